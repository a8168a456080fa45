use std::process::ExitCode;

use bimtek::cli::{Cli, Command, ParseError, UserCommand};
use bimtek::{cli, telemetry};
use clap::error::ErrorKind;

/// Every failure to start ends with exactly one line on stderr that names
/// the setting at fault, and exit code 2 (settings) or 1 (anything else).
fn main() -> ExitCode {
    keep_large_allocations_out_of_the_heap();
    let args = match Cli::from_process() {
        Ok(args) => args,
        Err(ParseError::Arguments(e))
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) =>
        {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(ParseError::Arguments(e)) => {
            // Our value parsers name the setting; clap's own words name a flag.
            let message = match std::error::Error::source(&e) {
                Some(reason) if e.kind() == ErrorKind::ValueValidation => reason.to_string(),
                _ => e.to_string(),
            };
            let first = message.lines().next().unwrap_or("invalid arguments");
            eprintln!("bimtek: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
        Err(ParseError::Settings(e)) => {
            eprintln!("bimtek: {e}");
            return ExitCode::from(2);
        }
    };
    let (settings, database_given) = (args.settings, args.database_given);
    let _flush_logs_on_exit = match telemetry::init_logging(&settings.log, settings.log_format) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("bimtek: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("bimtek: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match args.command.unwrap_or(Command::Serve) {
            Command::Serve => cli::serve(settings).await,
            Command::Migrate => cli::migrate(settings).await,
            Command::Demo => cli::demo(settings, database_given).await,
            Command::User(UserCommand::Add {
                admin: _,
                email,
                name,
            }) => cli::add_admin(settings, &email, &name).await,
            Command::CertificatePreview { out, lang, long } => {
                cli::certificate_preview(&settings, &out, &lang, long)
            }
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bimtek: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Each argon2id hash borrows 19 MiB. glibc raises its mmap threshold after
/// freeing such a block, so the next ones stay in per-thread heaps for good
/// (measured: RSS from 34 to 80 MiB after four sign-ins, and fewer requests
/// per second). A fixed threshold keeps every large block mapped and
/// returned to the system when freed.
fn keep_large_allocations_out_of_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}
