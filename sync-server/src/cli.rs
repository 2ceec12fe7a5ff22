//! The command line: `serve`, `seed-demo`, `add-user`, `backup`, `migrate-to-postgres`,
//! `crs-check` and `import`, with layered configuration.

use crate::auth::user_rules::parse_role;
use crate::settings::{DEFAULT_DATA_DIR, DEFAULT_LISTEN, Flags, Settings, env_var, keys};
use crate::{demo, launch};
use anyhow::Context;
use cgt_shared::Role;
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "cgt-server",
    version,
    about = "城管通 sync server: stores case reports from field devices and syncs them.",
    after_long_help = config_help()
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API until Ctrl-C or SIGTERM.
    ///
    /// Prints `cgt-server listening on http://ADDR` on stdout once bound (with the real port
    /// when listening on port 0), then the demo logins in demo mode. Logs go to stderr.
    #[command(after_long_help = config_help())]
    Serve(ServeArgs),
    /// Write the demo city (苏州市姑苏区) and its logins into a database that has no users yet.
    #[command(after_long_help = config_help())]
    SeedDemo(SeedDemoArgs),
    /// Create a user account.
    #[command(after_long_help = config_help())]
    AddUser(AddUserArgs),
    /// Copy the database (consistently, while the server runs) and its photos into a folder
    /// that is itself a data folder; run again to bring it up to date. Exits non-zero if a
    /// photo the database records cannot be copied whole.
    #[command(after_long_help = config_help())]
    Backup(BackupArgs),
    /// Copy the embedded database into a PostgreSQL database (its schema created if needed)
    /// and check every table (row count and SHA-256 of its rows); run again after an
    /// interruption. Stop the server first. With an object store configured
    /// (`CGT_PHOTO_STORE_URL` and its settings) the photos the database records are copied into
    /// it too, each checked against its SHA-256; otherwise they stay in the data folder.
    #[command(after_long_help = config_help())]
    MigrateToPostgres(MigrateArgs),
    /// Check a city's coordinate system against its control points (控制点): converts each
    /// point's survey x,y to WGS84 with PROJ and prints how far it lands from its measured
    /// position; exits non-zero if any lands farther than the tolerance.
    #[command(after_long_help = config_help())]
    CrsCheck(CrsCheckArgs),
    /// Import a layer of the city's base data (departments, work-grids, unit-grids,
    /// components) from GeoJSON, a Shapefile (.shp with its .dbf/.prj/.cpg, or a .zip),
    /// a GeoPackage or CSV. Without --apply a dry run: prints what would change and every
    /// problem, exits non-zero if there is an error. With --apply the same checks, then the
    /// import, if there is no error; run it again with a corrected file to update by code.
    #[command(after_long_help = config_help())]
    Import(ImportArgs),
}

#[derive(Debug, Args)]
struct ImportArgs {
    #[command(flatten)]
    location: Location,
    /// departments, work-grids, unit-grids or components.
    #[arg(long)]
    layer: crate::import::Layer,
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// The layer of a GeoPackage, or the .shp in a zip, when the file holds several.
    #[arg(long)]
    table: Option<String>,
    /// The system of the file's coordinates: an EPSG code, a PROJ string, gcj02, or survey
    /// for the configured survey_crs [default: what the file declares; WGS84 for GeoJSON].
    #[arg(long, value_name = "CRS")]
    crs: Option<String>,
    /// Write the import (after the same checks) instead of only reporting.
    #[arg(long)]
    apply: bool,
    /// Also write the whole report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CrsCheckArgs {
    #[command(flatten)]
    location: Location,
    /// The city's system: an EPSG code (EPSG:4549 for CGCS2000 3° zone 120°E) or a PROJ string
    /// for its own system (+proj=tmerc +lon_0=… +x_0=… +y_0=… +ellps=GRS80 +units=m)
    /// [default: the configured survey_crs].
    #[arg(long, value_name = "CRS")]
    crs: Option<String>,
    /// CSV of control points, one `x,y,lon,lat` per line (survey coordinates, then the
    /// measured WGS84 longitude and latitude); a header line is allowed.
    #[arg(long, value_name = "FILE")]
    points: PathBuf,
    /// The largest residual accepted, in metres.
    #[arg(long, value_name = "METRES", default_value_t = 0.1)]
    tolerance: f64,
}

/// Which configuration and database to use.
#[derive(Debug, Args)]
struct Location {
    /// TOML configuration file (keys: listen, data_dir, demo, demo_scale, max_body_bytes, token_ttl_days,
    /// categories_file, calendar_file, time_limits_file, max_photo_bytes, console_dir,
    /// map_tile_url, map_tile_system, database_url, database_connections, photo_store_url, photo_store_endpoint,
    /// photo_store_region, photo_store_access_key_id, photo_store_secret_access_key,
    /// survey_crs).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Folder of the database file cgt.sqlite3 (created if missing) [default: ./data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    location: Location,
    /// Address to listen on, e.g. 0.0.0.0:8080; port 0 picks a free port [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Seed the demo city on start if the database has no users, and print the demo logins.
    #[arg(long)]
    demo: bool,
    /// The demo city's size: small, or seed for the seed's 1,305 unit grids and 408,000
    /// components [default: small].
    #[arg(long, value_name = "SCALE")]
    demo_scale: Option<demo::DemoScale>,
}

#[derive(Debug, Args)]
struct SeedDemoArgs {
    #[command(flatten)]
    location: Location,
    /// small, or seed for the seed's 1,305 unit grids and 408,000 components [default: small].
    #[arg(long, value_name = "SCALE")]
    scale: Option<demo::DemoScale>,
}

#[derive(Debug, Args)]
struct AddUserArgs {
    #[command(flatten)]
    location: Location,
    /// Login name: lower-case letters, digits, `.`, `_`, `-`.
    #[arg(long)]
    username: String,
    /// Password, at least 8 characters.
    #[arg(long)]
    password: String,
    /// Name shown in the apps, e.g. 张伟.
    #[arg(long)]
    display_name: String,
    /// Comma-separated roles: inspector, operator, shift_leader, dispatcher,
    /// department_handler, patrol_supervisor, leader, admin.
    #[arg(long, value_delimiter = ',', required = true, value_parser = parse_role)]
    roles: Vec<Role>,
}

#[derive(Debug, Args)]
struct BackupArgs {
    #[command(flatten)]
    location: Location,
    /// The backup folder (created if missing; an earlier backup there is brought up to date).
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
}

#[derive(Debug, Args)]
struct MigrateArgs {
    #[command(flatten)]
    location: Location,
    /// The PostgreSQL database to copy into, e.g. postgres://cgt@db.example/cgt.
    #[arg(long, value_name = "URL")]
    to: String,
}

fn config_help() -> String {
    let mut help = format!(
        "Configuration, each layer overriding the one before:\n  \
         1. defaults: listen = {DEFAULT_LISTEN}, data_dir = {DEFAULT_DATA_DIR}, demo = false, demo_scale = small,\n     \
         max_body_bytes = 16777216 (16 MiB), token_ttl_days = 30, categories_file = built-in table,\n     \
         calendar_file = built-in working calendar (holidays, make-up workdays),\n     \
         time_limits_file = built-in 处置时限 per subcategory and urgency,\n     \
         max_photo_bytes = 8388608 (8 MiB, the largest photo a device may upload),\n     \
         console_dir = the console built in this source tree (sync-server/console/dist),\n     \
         map_tile_url = none (console maps show vector layers only; e.g. a Tianditu XYZ URL),\n     \
         database_url = none (the embedded SQLite file in data_dir; or postgres://…),\n     \
         photo_store_url = none (photos in data_dir/photos; or s3://bucket/prefix with\n     \
         photo_store_endpoint, photo_store_region, photo_store_access_key_id and\n     \
         photo_store_secret_access_key), survey_crs = none (the city's survey system,\n     \
         an EPSG code or a PROJ string, for exports and crs-check)\n  \
         2. the TOML file given with --config (same keys; relative paths are relative to the file)\n  \
         3. environment variables:\n"
    );
    for key in keys() {
        let var = env_var(&key);
        help.push_str(&format!("       {var:<22} overrides {key}\n"));
    }
    help.push_str(
        "  4. command-line flags\n\n\
         Example config:\n  \
         listen = \"0.0.0.0:8080\"\n  data_dir = \"/var/lib/cgt\"\n  token_ttl_days = 14\n\n\
         Logging: RUST_LOG (e.g. RUST_LOG=debug, default info), written to stderr.",
    );
    help
}

/// Parses the command line and runs the command.
pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::SeedDemo(args) => seed_demo(args),
        Command::AddUser(args) => add_user(args),
        Command::Backup(args) => back_up(args),
        Command::MigrateToPostgres(args) => migrate_to_postgres(args),
        Command::CrsCheck(args) => crs_check(args),
        Command::Import(args) => import(args),
    }
}

fn settings(location: Location, flags: Flags) -> anyhow::Result<Settings> {
    let flags = Flags {
        data_dir: location.data_dir,
        ..flags
    };
    Ok(Settings::load(location.config.as_deref(), flags)?)
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let settings = settings(
        args.location,
        Flags {
            listen: args.listen,
            demo: args.demo.then_some(true),
            demo_scale: args.demo_scale,
            ..Flags::default()
        },
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("无法监听 {} (cannot bind)", settings.listen))?;
        announce(
            listener.local_addr()?,
            settings.demo.then_some(settings.demo_scale),
        )?;
        launch(settings, listener, shutdown_signal()).await
    })
}

/// Inspectors listed one by one; a larger demo city's are summed up in a line.
const LISTED_INSPECTORS: usize = 12;

fn announce(addr: SocketAddr, demo: Option<demo::DemoScale>) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "cgt-server listening on http://{addr}")?;
    if let Some(scale) = demo {
        writeln!(
            out,
            "演示账号 (demo logins), 密码 (password): {}",
            demo::DEMO_PASSWORD
        )?;
        let logins = demo::logins(scale);
        let inspectors = logins.iter().filter(|l| l.2 == Role::Inspector).count();
        let mut listed = 0;
        for (username, name, role) in &logins {
            if *role == Role::Inspector {
                listed += 1;
                if listed > LISTED_INSPECTORS {
                    continue;
                }
            }
            writeln!(out, "  {username:<12} {:<6} {name}", role.label())?;
        }
        if inspectors > LISTED_INSPECTORS {
            writeln!(
                out,
                "  … 共 {inspectors} 名监督员 (inspector01 … inspector{inspectors})"
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

fn seed_demo(args: SeedDemoArgs) -> anyhow::Result<()> {
    let flags = Flags {
        demo_scale: args.scale,
        ..Flags::default()
    };
    let settings = settings(args.location, flags)?;
    match demo::seed_store(&settings)? {
        Some(s) => println!(
            "演示城市已写入 (demo city seeded) {}: {} 个用户, {} 个部门, {} 个单元网格, {} 个工作网格, {} 个部件",
            settings.data_dir.display(),
            s.users,
            s.departments,
            s.unit_grids,
            s.work_grids,
            s.components
        ),
        None => println!(
            "数据库已有用户,未写入演示数据 (database {} already has users; nothing seeded)",
            settings.data_dir.display()
        ),
    }
    Ok(())
}

fn add_user(args: AddUserArgs) -> anyhow::Result<()> {
    let settings = settings(args.location, Flags::default())?;
    let id = crate::create_user(
        &settings,
        &args.username,
        &args.display_name,
        &args.password,
        &args.roles,
    )?;
    println!("已创建用户 (user created) {} {id}", args.username);
    Ok(())
}

fn back_up(args: BackupArgs) -> anyhow::Result<()> {
    let settings = settings(args.location, Flags::default())?;
    if settings.database_url.is_some() {
        anyhow::bail!(
            "此服务器的数据库在 PostgreSQL 中,请用 pg_dump 备份数据库 (见 README) \
             (backup copies the embedded database; back PostgreSQL up with pg_dump)"
        );
    }
    let report = crate::backup::backup(&settings.data_dir, &args.to)?;
    let (db, photos) = (&report.database, &report.photos);
    println!(
        "备份完成 (backup written) {}: 文档 {} 份, 案件 {} 件, 用户 {} 个, 照片 {} 张 ({})",
        args.to.display(),
        db.documents,
        db.cases,
        db.users,
        db.photos.len(),
        photos.summary()
    );
    photos.require_complete()
}

fn migrate_to_postgres(args: MigrateArgs) -> anyhow::Result<()> {
    let settings = settings(args.location, Flags::default())?;
    let done = crate::migrate::migrate(&settings, &args.to)?;
    for copy in &done.tables {
        println!(
            "{:<20} {:>9} 行  sha256 {}",
            copy.table, copy.rows, copy.digest
        );
    }
    println!(
        "已复制并核对 {} 张表 (tables copied and checked)",
        done.tables.len()
    );
    let Some(photos) = done.photos else {
        println!(
            "照片仍在数据目录中 (photos stay in the data folder): 请以 CGT_DATABASE_URL 指向该数据库、\
             --data-dir {} 启动服务器",
            settings.data_dir.display()
        );
        return Ok(());
    };
    println!(
        "照片已复制到对象存储并逐张核对 (photos copied and checked): {}",
        photos.summary()
    );
    Ok(())
}

fn crs_check(args: CrsCheckArgs) -> anyhow::Result<()> {
    use crate::crs::{Conversion, control};
    let crs = match args.crs {
        Some(crs) => crs,
        None => settings(args.location, Flags::default())?
            .survey_crs
            .context("请以 --crs 指定坐标系,或配置 survey_crs (no --crs and no survey_crs)")?,
    };
    let text = std::fs::read_to_string(&args.points)
        .with_context(|| format!("无法读取控制点文件 {}", args.points.display()))?;
    let points = control::parse(&text).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        !points.is_empty(),
        "控制点文件中没有控制点 (no control points)"
    );
    let residuals = control::residuals(&Conversion::to_wgs84(&crs)?, &points)?;
    for (line, metres) in &residuals.metres {
        println!("第 {line} 行  偏差 {metres:.3} 米");
    }
    let worst = residuals.max();
    println!(
        "{} 个控制点, 最大偏差 {worst:.3} 米 (限差 {} 米)",
        points.len(),
        args.tolerance
    );
    anyhow::ensure!(
        worst <= args.tolerance,
        "坐标换算参数精度不够: 最大偏差 {worst:.3} 米超过限差 {} 米 (residual above tolerance)",
        args.tolerance
    );
    Ok(())
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    use crate::import::{self, Request, Severity};
    let settings = settings(args.location, Flags::default())?;
    let crs = match args.crs.as_deref() {
        Some("survey") => Some(
            settings
                .survey_crs
                .clone()
                .context("未配置城市坐标系 survey_crs (no survey_crs configured)")?,
        ),
        other => other.map(str::to_string),
    };
    let progress = |stage: &str| eprintln!("{stage}…");
    let request = Request {
        layer: args.layer,
        crs,
        apply: args.apply,
    };
    let report = import::run_path(
        &settings,
        &args.file,
        args.table.as_deref(),
        &request,
        &progress,
    )?;
    if let Some(path) = &args.report {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("无法写入报告 {}", path.display()))?;
    }
    for p in &report.problems {
        let severity = match p.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        let feature = p
            .feature
            .map(|n| format!("第 {n} 个要素 "))
            .unwrap_or_default();
        let code = p.code.as_deref().unwrap_or("");
        println!("{severity} {feature}{code} {}", p.message);
    }
    let c = report.changes;
    println!(
        "{} {} 个要素 ({}, {}): 新增 {}, 修改 {}, 未变 {}, 停用 {}; {} 个错误, {} 个警告",
        report.layer.label(),
        report.features,
        report.format,
        report.crs,
        c.new,
        c.changed,
        c.unchanged,
        c.retired,
        report.errors,
        report.warnings
    );
    anyhow::ensure!(
        report.errors == 0,
        "有 {} 个错误,未导入 (fix the errors and run again)",
        report.errors
    );
    match report.applied_version {
        Some(version) => println!("已导入,参考数据版本 {version} (imported)"),
        None => println!("校验通过;加 --apply 导入 (dry run passed)"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn roles_parse_from_a_list() {
        let cli = Cli::try_parse_from([
            "cgt-server",
            "add-user",
            "--username",
            "u",
            "--password",
            "p",
            "--display-name",
            "n",
            "--roles",
            "inspector,admin",
        ])
        .unwrap();
        let Command::AddUser(args) = cli.command else {
            panic!("not add-user");
        };
        assert_eq!(args.roles, vec![Role::Inspector, Role::Admin]);
        assert!(
            Cli::try_parse_from([
                "cgt-server",
                "add-user",
                "--username",
                "u",
                "--password",
                "p",
                "--display-name",
                "n",
                "--roles",
                "root",
            ])
            .is_err()
        );
    }
}
