//! Per-server log capture: each in-process server runs under its own tracing subscriber that
//! writes into memory, so a failed scenario can save both servers' logs.

use std::{
    io,
    sync::{Arc, Mutex},
};

use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// A subscriber dispatch writing this server's events (access log included) here.
    pub fn dispatch(&self) -> tracing::Dispatch {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_ansi(false)
            .with_target(true)
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "access=debug,mock_okta=debug,konnect_stub=debug,server_kit=debug,info",
            ))
            .finish();
        tracing::Dispatch::new(subscriber)
    }

    pub fn contents(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

pub struct Writer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogBuffer {
    type Writer = Writer;
    fn make_writer(&'a self) -> Self::Writer {
        Writer(self.0.clone())
    }
}
