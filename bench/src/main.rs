//! `cargo run --release -p apiforge-bench`: requests per second and CPU time per request of a
//! call through a generated client (`netsapiens`) against the same request made with bare
//! `reqwest`, decoded with `serde_json` into the same type, against a loopback HTTP server in
//! this process.
//!
//! The server runs on its own thread; the client runs on the main thread on a current-thread
//! tokio runtime, so that the main thread's CPU time is the client's alone (connection tasks
//! included). Requests are sequential over one kept-alive connection. Each case runs bare and
//! generated in many short rounds, back to back in pairs whose order alternates, so that drift
//! (frequency scaling, a neighbour's load) touches both alike. Figures are medians over the
//! rounds, and each ratio is the median of the ratios within pairs: a round slowed by another
//! process then moves neither much. The run is bounded: a fixed number of requests, a few
//! seconds in all.
//!
//! On glibc, the allocator is told to keep freed memory rather than give it back to the system
//! after every request (`mallopt`): otherwise each 1 MB response is first-touch page faults
//! whose number swings with heap layout from round to round, and that noise, not the clients'
//! own work, decides the 1 MB comparison. `--default-malloc` keeps glibc's defaults.
//!
//! Options, for profiling one side (for instance under `valgrind --tool=callgrind`, whose
//! instruction counts do not depend on the machine's load): `--client bare|generated` runs one
//! client only, `--case small|large` one case only, `--rounds N` sets the number of rounds (30 by
//! default).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::TokioIo;
use netsapiens::types::{JwtResponse, SuccessResponse};

const TOKEN: &str = "bench-token";
const USER_AGENT: &str = "apiforge-bench/0.1";

/// One benchmark case: what is requested, how many times, and the two ways of requesting it.
struct Case {
    name: &'static str,
    warmup: u32,
    requests_per_round: u32,
}

/// Rounds per client unless `--rounds` says otherwise.
const DEFAULT_ROUNDS: u32 = 30;

/// What the command line asks for.
struct Options {
    default_malloc: bool,
    bare: bool,
    generated: bool,
    small: bool,
    large: bool,
    rounds: u32,
}

impl Options {
    fn parse() -> Options {
        let mut options = Options {
            default_malloc: false,
            bare: true,
            generated: true,
            small: true,
            large: true,
            rounds: DEFAULT_ROUNDS,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--default-malloc" => options.default_malloc = true,
                "--client" => match args.next().as_deref() {
                    Some("bare") => options.generated = false,
                    Some("generated") => options.bare = false,
                    other => usage(&format!("--client takes bare or generated, not {other:?}")),
                },
                "--case" => match args.next().as_deref() {
                    Some("small") => options.large = false,
                    Some("large") => options.small = false,
                    other => usage(&format!("--case takes small or large, not {other:?}")),
                },
                "--rounds" => match args.next().and_then(|n| n.parse().ok()) {
                    Some(rounds) if rounds > 0 => options.rounds = rounds,
                    _ => usage("--rounds takes a positive number"),
                },
                other => usage(&format!("unknown argument {other:?}")),
            }
        }
        options
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("apiforge-bench: {problem}");
    eprintln!(
        "usage: apiforge-bench [--client bare|generated] [--case small|large] [--rounds N] \
         [--default-malloc]"
    );
    std::process::exit(2)
}

fn main() {
    let options = Options::parse();
    let rounds = options.rounds;
    let tuned = !options.default_malloc && keep_freed_memory();
    let small = small_body();
    let large = large_body();
    println!(
        "apiforge bench: loopback HTTP/1.1, sequential requests, {rounds} alternating rounds per client"
    );
    println!(
        "allocator: {}",
        if tuned {
            "glibc, freed memory kept (run with --default-malloc for glibc's defaults)"
        } else {
            "defaults"
        }
    );
    println!(
        "bodies: small JwtResponse {} bytes (GET /jwt, 200), large SuccessResponse {} bytes (DELETE /jwt, 202)",
        small.len(),
        large.len()
    );
    let address = start_server(small, large);
    let base_url = format!("http://{address}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let generated = netsapiens::Client::builder()
        .base_url(&base_url)
        .user_agent(USER_AGENT)
        .auth(netsapiens::Auth::bearer(TOKEN))
        .build()
        .expect("the generated client");
    let bare = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client");

    let cases = [
        Case {
            name: "small JSON (GET /jwt)",
            warmup: 500,
            requests_per_round: 600,
        },
        Case {
            name: "1 MB JSON (DELETE /jwt)",
            warmup: 10,
            requests_per_round: 12,
        },
    ];
    let mut rows = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let large = index == 1;
        if (large && !options.large) || (!large && !options.small) {
            continue;
        }
        let bare_call = || {
            let bare = bare.clone();
            let url = format!("{base_url}/jwt");
            async move {
                if large {
                    bare_large(&bare, &url).await.message.len()
                } else {
                    bare_small(&bare, &url).await.user_scope.len()
                }
            }
        };
        let generated_call = || {
            let generated = generated.clone();
            async move {
                if large {
                    let body = generated.revoke_my_jwt().send().await.expect("DELETE /jwt");
                    body.message.len()
                } else {
                    let body = generated.jwt_get().send().await.expect("GET /jwt");
                    body.user_scope.len()
                }
            }
        };
        let mut bare_rounds = Vec::new();
        let mut generated_rounds = Vec::new();
        runtime.block_on(async {
            if options.bare {
                run(case.warmup, bare_call).await;
            }
            if options.generated {
                run(case.warmup, generated_call).await;
            }
            for round in 0..rounds {
                // Alternate which client goes first, so that neither always inherits the
                // other's warm (or cold) caches and allocator state.
                if round % 2 == 0 && options.bare {
                    bare_rounds.push(run(case.requests_per_round, bare_call).await);
                }
                if options.generated {
                    generated_rounds.push(run(case.requests_per_round, generated_call).await);
                }
                if round % 2 == 1 && options.bare {
                    bare_rounds.push(run(case.requests_per_round, bare_call).await);
                }
            }
        });
        if !bare_rounds.is_empty() {
            let ratios = Ratios::paired(&bare_rounds, &bare_rounds);
            rows.push((case.name, "bare reqwest", Summary::of(&bare_rounds), ratios));
        }
        if !generated_rounds.is_empty() {
            let ratios = Ratios::paired(&generated_rounds, &bare_rounds);
            rows.push((
                case.name,
                "generated",
                Summary::of(&generated_rounds),
                ratios,
            ));
        }
    }
    print_table(&rows, rounds);
}

/// Wall time and CPU time spent on a number of requests.
#[derive(Clone, Copy, Default)]
struct Measure {
    requests: u32,
    wall: Duration,
    process_cpu: Duration,
    thread_cpu: Option<Duration>,
    /// Minor page faults of the process: first touches of freshly mapped memory, which is
    /// where most of the 1 MB case's kernel time goes.
    page_faults: u64,
}

/// The median of each figure over the rounds of one client.
struct Summary {
    requests: u32,
    per_second: f64,
    process_us: f64,
    thread_us: Option<f64>,
    page_faults: f64,
}

impl Summary {
    fn of(rounds: &[Measure]) -> Summary {
        Summary {
            requests: rounds.iter().map(|m| m.requests).sum(),
            per_second: median(rounds.iter().map(Measure::per_second)),
            process_us: median(rounds.iter().map(Measure::process_us)),
            thread_us: rounds
                .iter()
                .map(Measure::thread_us)
                .collect::<Option<Vec<f64>>>()
                .map(|values| median(values.into_iter())),
            page_faults: median(
                rounds
                    .iter()
                    .map(|m| m.page_faults as f64 / f64::from(m.requests)),
            ),
        }
    }
}

/// A client against bare reqwest: the median, over the pairs of rounds run back to back, of
/// the ratio within each pair. `None` when bare reqwest was not run.
struct Ratios {
    per_second: f64,
    thread_cpu: Option<f64>,
}

impl Ratios {
    fn paired(rounds: &[Measure], bare: &[Measure]) -> Option<Ratios> {
        if bare.is_empty() {
            return None;
        }
        let pairs = || rounds.iter().zip(bare);
        Some(Ratios {
            per_second: median(pairs().map(|(m, b)| m.per_second() / b.per_second())),
            thread_cpu: pairs()
                .map(|(m, b)| Some(m.thread_us()? / b.thread_us()?))
                .collect::<Option<Vec<f64>>>()
                .map(|values| median(values.into_iter())),
        })
    }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

impl Measure {
    fn per_second(&self) -> f64 {
        f64::from(self.requests) / self.wall.as_secs_f64()
    }

    fn process_us(&self) -> f64 {
        self.process_cpu.as_secs_f64() * 1e6 / f64::from(self.requests)
    }

    fn thread_us(&self) -> Option<f64> {
        Some(self.thread_cpu?.as_secs_f64() * 1e6 / f64::from(self.requests))
    }
}

async fn run<F, Fut>(requests: u32, call: F) -> Measure
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize>,
{
    let process_before = cpu_time(Who::Process);
    let thread_before = cpu_time(Who::Thread);
    let faults_before = page_faults();
    let started = Instant::now();
    let mut checksum = 0;
    for _ in 0..requests {
        checksum += call().await;
    }
    let wall = started.elapsed();
    assert!(checksum > 0, "the bodies decoded");
    Measure {
        requests,
        wall,
        process_cpu: cpu_time(Who::Process).unwrap_or_default()
            - process_before.unwrap_or_default(),
        thread_cpu: thread_before.and_then(|before| Some(cpu_time(Who::Thread)? - before)),
        page_faults: page_faults().saturating_sub(faults_before),
    }
}

async fn bare_small(http: &reqwest::Client, url: &str) -> JwtResponse {
    let response = http
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("GET /jwt");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.bytes().await.expect("a body");
    serde_json::from_slice(&body).expect("a JwtResponse")
}

async fn bare_large(http: &reqwest::Client, url: &str) -> SuccessResponse {
    let response = http
        .delete(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("DELETE /jwt");
    assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
    let body = response.bytes().await.expect("a body");
    serde_json::from_slice(&body).expect("a SuccessResponse")
}

type Row<'a> = (&'a str, &'a str, Summary, Option<Ratios>);

fn print_table(rows: &[Row<'_>], rounds: u32) {
    println!();
    println!(
        "| {:<24} | {:<12} | {:>8} | {:>9} | {:>10} | {:>17} | {:>10} | {:>13} | {:>18} |",
        "case",
        "client",
        "requests",
        "req/s",
        "CPU µs/req",
        "client CPU µs/req",
        "faults/req",
        "req/s vs bare",
        "client CPU vs bare"
    );
    let widths = [26, 14, 10, 11, 12, 19, 12, 15, 20];
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    println!("|{}|", rule.join("|"));
    let or_na = |value: Option<f64>, digits: usize| {
        value.map_or("n/a".to_owned(), |value| format!("{value:.digits$}"))
    };
    for (case, client, summary, ratios) in rows {
        println!(
            "| {:<24} | {:<12} | {:>8} | {:>9.0} | {:>10.1} | {:>17} | {:>10.1} | {:>13} | {:>18} |",
            case,
            client,
            summary.requests,
            summary.per_second,
            summary.process_us,
            or_na(summary.thread_us, 1),
            summary.page_faults,
            or_na(ratios.as_ref().map(|r| r.per_second), 3),
            or_na(ratios.as_ref().and_then(|r| r.thread_cpu), 3),
        );
    }
    println!();
    println!(
        "Medians over {rounds} rounds per client. CPU µs/req: the whole process (client and \
         server threads); client CPU µs/req: the client thread alone (Linux only); faults/req: \
         minor page faults of the process. Ratios: generated ÷ bare, the median over pairs of \
         rounds run back to back (req/s: higher is better; CPU: lower is better)."
    );
}

enum Who {
    Process,
    Thread,
}

/// Minor page faults of the process so far.
fn page_faults() -> u64 {
    rusage(libc::RUSAGE_SELF).map_or(0, |usage| usage.ru_minflt as u64)
}

/// User plus system CPU time of the process or of the calling thread.
fn cpu_time(who: Who) -> Option<Duration> {
    let who = match who {
        Who::Process => libc::RUSAGE_SELF,
        #[cfg(target_os = "linux")]
        Who::Thread => libc::RUSAGE_THREAD,
        #[cfg(not(target_os = "linux"))]
        Who::Thread => return None,
    };
    let usage = rusage(who)?;
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Some(time(usage.ru_utime) + time(usage.ru_stime))
}

fn rusage(who: libc::c_int) -> Option<libc::rusage> {
    // SAFETY: `rusage` is plain data for which all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, exclusively borrowed `rusage` for the duration of the call,
    // and `getrusage` only writes into it.
    (unsafe { libc::getrusage(who, &mut usage) } == 0).then_some(usage)
}

/// Tells glibc's allocator to keep freed memory in the heap (no trimming, no `mmap` for large
/// blocks), so that a 1 MB body reuses the pages of the previous one. Whether it did.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() -> bool {
    // SAFETY: `mallopt` only changes allocator parameters; it is called before this program
    // starts any thread other than the main one.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30) == 1
            && libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 25) == 1
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() -> bool {
    false
}

/// A small `JwtResponse`, as `GET /jwt` returns it.
fn small_body() -> Bytes {
    let body = serde_json::json!({
        "aud": "ns-api",
        "exp": 1_900_000_000_i64,
        "iat": 1_700_000_000_i64,
        "iss": "ns-api.example.com",
        "jti": "8f14e45fceea167a5a36dedd4bea2543",
        "sub": "1000@example",
        "time_out": 3_600_000,
        "domain": "example",
        "territory": "reseller",
        "user": "1000",
        "user_email": "user@example.com",
        "user_scope": "Office Manager",
        "displayName": "Example User",
        "apiversion": "2.0"
    });
    let decoded: JwtResponse = serde_json::from_value(body.clone()).expect("a JwtResponse");
    assert_eq!(decoded.user_scope, "Office Manager");
    Bytes::from(serde_json::to_vec(&body).expect("JSON"))
}

/// A `SuccessResponse` of about 1 MB: its message is 1,000,000 characters.
fn large_body() -> Bytes {
    let body = serde_json::json!({ "code": 200, "message": "x".repeat(1_000_000) });
    Bytes::from(serde_json::to_vec(&body).expect("JSON"))
}

/// Starts the loopback server on its own thread and runtime; it lives as long as the process.
fn start_server(small: Bytes, large: Bytes) -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-server".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port");
                sender
                    .send(listener.local_addr().expect("an address"))
                    .expect("the main thread waits");
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let (small, large) = (small.clone(), large.clone());
                    let service = service_fn(move |request: hyper::Request<Incoming>| {
                        // The statuses the spec declares: 200 for GET /jwt, 202 for DELETE /jwt.
                        let body = match (request.method(), request.uri().path()) {
                            (&Method::GET, "/jwt") => Some((StatusCode::OK, small.clone())),
                            (&Method::DELETE, "/jwt") => {
                                Some((StatusCode::ACCEPTED, large.clone()))
                            }
                            _ => None,
                        };
                        async move {
                            let response = match body {
                                Some((status, body)) => hyper::Response::builder()
                                    .status(status)
                                    .header("content-type", "application/json")
                                    .body(Full::new(body)),
                                None => hyper::Response::builder()
                                    .status(StatusCode::NOT_FOUND)
                                    .body(Full::new(Bytes::new())),
                            };
                            Ok::<_, Infallible>(response.expect("a valid response"))
                        }
                    });
                    tokio::spawn(async move {
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        })
        .expect("a server thread");
    receiver.recv().expect("the server's address")
}
