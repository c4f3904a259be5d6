//! Browser journeys in Debian's headless Chromium through chromedriver (placeholder until written).
