//! A review meeting: one per quarter, held by videoconference between Minsk and Khabarovsk,
//! with participants from both sides and their attendance.

use super::holidays::HolidayCalendar;
use super::schedule::{self, ScheduleError, ScheduleWarning, WorkingHours};
use crate::quarter::Quarter;
use crate::{MeetingId, PersonId, Side};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeetingFormat {
    Videoconference,
    InPerson,
}

impl MeetingFormat {
    pub fn label_key(self) -> &'static str {
        match self {
            MeetingFormat::Videoconference => "review.meeting.format.videoconference",
            MeetingFormat::InPerson => "review.meeting.format.in-person",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParticipantRole {
    /// Co-chair of the meeting for a side.
    Chair,
    Coordinator,
    Secretary,
    Executor,
    Guest,
}

impl ParticipantRole {
    pub fn label_key(self) -> &'static str {
        match self {
            ParticipantRole::Chair => "review.meeting.role.chair",
            ParticipantRole::Coordinator => "review.meeting.role.coordinator",
            ParticipantRole::Secretary => "review.meeting.role.secretary",
            ParticipantRole::Executor => "review.meeting.role.executor",
            ParticipantRole::Guest => "review.meeting.role.guest",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attendance {
    #[default]
    Invited,
    Present,
    Absent,
    /// Absent with notice, possibly replaced.
    Excused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub person: PersonId,
    pub side: Side,
    pub role: ParticipantRole,
    pub attendance: Attendance,
    /// The address invitations go to, when known (the adapter fills it from the directory).
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    /// The quarter under review.
    pub quarter: Quarter,
    pub start: DateTime<Utc>,
    pub duration_minutes: u32,
    pub format: MeetingFormat,
    pub participants: Vec<Participant>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error("person {0} is already a participant")]
    DuplicateParticipant(PersonId),
    #[error("person {0} is not a participant")]
    UnknownParticipant(PersonId),
}

impl Meeting {
    /// A meeting, with whatever is unusual about its time for either side (allowed).
    pub fn new(
        id: MeetingId,
        quarter: Quarter,
        start: DateTime<Utc>,
        duration_minutes: u32,
        cal: &HolidayCalendar,
    ) -> Result<(Meeting, Vec<ScheduleWarning>), MeetingError> {
        let mut meeting = Meeting {
            id,
            quarter,
            start,
            duration_minutes: 0,
            format: MeetingFormat::Videoconference,
            participants: Vec::new(),
        };
        let warnings = meeting.reschedule(start, duration_minutes, cal)?;
        Ok((meeting, warnings))
    }

    /// Moves the meeting; returns the warnings for its new time.
    pub fn reschedule(
        &mut self,
        start: DateTime<Utc>,
        duration_minutes: u32,
        cal: &HolidayCalendar,
    ) -> Result<Vec<ScheduleWarning>, MeetingError> {
        if duration_minutes == 0 || duration_minutes > 24 * 60 {
            return Err(ScheduleError::InvalidLength { minutes: i64::from(duration_minutes) }.into());
        }
        self.start = start;
        self.duration_minutes = duration_minutes;
        Ok(schedule::check(start, self.length(), WorkingHours::default(), cal))
    }

    pub fn length(&self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.duration_minutes))
    }
    pub fn end(&self) -> DateTime<Utc> {
        self.start + self.length()
    }

    pub fn invite(&mut self, participant: Participant) -> Result<(), MeetingError> {
        if self.participants.iter().any(|p| p.person == participant.person) {
            return Err(MeetingError::DuplicateParticipant(participant.person));
        }
        self.participants.push(participant);
        Ok(())
    }

    pub fn mark_attendance(&mut self, person: PersonId, attendance: Attendance) -> Result<(), MeetingError> {
        let p = self
            .participants
            .iter_mut()
            .find(|p| p.person == person)
            .ok_or(MeetingError::UnknownParticipant(person))?;
        p.attendance = attendance;
        Ok(())
    }

    /// The chairs, BY first.
    pub fn chairs(&self) -> Vec<&Participant> {
        let mut chairs: Vec<&Participant> =
            self.participants.iter().filter(|p| p.role == ParticipantRole::Chair).collect();
        chairs.sort_by_key(|p| p.side);
        chairs
    }

    pub fn participants_of(&self, side: Side) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(move |p| p.side == side)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::tests_support::{q, utc};

    fn person(n: u64) -> PersonId {
        PersonId::new_at(n, [7; 10])
    }

    #[test]
    fn meeting_with_participants_and_warnings() {
        let cal = HolidayCalendar::builtin();
        let (mut m, warnings) =
            Meeting::new(MeetingId::new_at(1, [0; 10]), q("2025Q2"), utc(2025, 7, 7, 6, 0), 120, &cal)
                .expect("meeting");
        assert!(warnings.is_empty());
        assert_eq!(m.end(), utc(2025, 7, 7, 8, 0));
        assert_eq!(m.format.label_key(), "review.meeting.format.videoconference");
        let chair = |n, side| Participant {
            person: person(n),
            side,
            role: ParticipantRole::Chair,
            attendance: Attendance::Invited,
            email: None,
        };
        m.invite(chair(2, Side::Khv)).expect("invite");
        m.invite(chair(1, Side::By)).expect("invite");
        assert_eq!(m.invite(chair(1, Side::By)), Err(MeetingError::DuplicateParticipant(person(1))));
        assert_eq!(m.chairs().iter().map(|p| p.side).collect::<Vec<_>>(), vec![Side::By, Side::Khv]);
        m.mark_attendance(person(2), Attendance::Present).expect("mark");
        assert_eq!(m.participants_of(Side::Khv).next().map(|p| p.attendance), Some(Attendance::Present));
        assert_eq!(m.mark_attendance(person(9), Attendance::Absent), Err(MeetingError::UnknownParticipant(person(9))));
        let late = m.reschedule(utc(2025, 7, 7, 12, 0), 60, &cal).expect("allowed");
        assert!(!late.is_empty(), "15:00 Minsk is 22:00 in Khabarovsk");
        assert!(m.reschedule(utc(2025, 7, 7, 12, 0), 0, &cal).is_err());
    }
}
