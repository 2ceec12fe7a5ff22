//! `cgt-server crs-check`: a city checks its coordinate system against its control points
//! before any survey data comes in. The right Gauss–Krüger zone leaves millimetres and exits
//! zero; a city system with a wrong false easting is caught, by line, with a non-zero exit.

mod common;

use common::*;
use std::process::Command;

fn check(crs: &str, points: &std::path::Path) -> anyhow::Result<(bool, String)> {
    run_command(
        Command::new(server_binary())
            .args(["crs-check", "--crs", crs, "--points"])
            .arg(points),
    )
}

#[test]
fn control_points_show_whether_the_parameters_are_good_enough() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let points = dir.path().join("控制点.csv");
    // CGCS2000 / 3° GK zone 120°E coordinates of two points in Suzhou and Shanghai, as PROJ
    // 9.5 (pyproj 3.7.2) gives them, with their longitude and latitude.
    std::fs::write(
        &points,
        "x,y,lon,lat\n558921.9530,3466153.1927,120.619,31.3158\n\
         640412.3150,3457455.4886,121.4737,31.2304\n",
    )?;
    let (ok, printed) = check("EPSG:4549", &points)?;
    assert!(ok, "{printed}");
    assert!(printed.contains("2 个控制点"), "{printed}");
    assert!(printed.contains("第 2 行  偏差 0.000 米"), "{printed}");

    let wrong_easting =
        "+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500050 +y_0=0 +ellps=GRS80 +units=m";
    let (ok, printed) = check(wrong_easting, &points)?;
    assert!(!ok, "{printed}");
    // 50 m of false easting, a little less on the ground away from the central meridian.
    assert!(printed.contains("偏差 49.8"), "{printed}");
    assert!(printed.contains("坐标换算参数精度不够"), "{printed}");

    let (ok, printed) = check("EPSG:0", &points)?;
    assert!(!ok && printed.contains("无法识别"), "{printed}");
    Ok(())
}

#[test]
fn the_configured_survey_system_is_the_default() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let points = dir.path().join("points.csv");
    std::fs::write(&points, "558921.9530,3466153.1927,120.619,31.3158\n")?;
    let run = |survey: Option<&str>| -> anyhow::Result<(bool, String)> {
        let mut command = Command::new(server_binary());
        command.args(["crs-check", "--points"]).arg(&points);
        command.env_remove("CGT_SURVEY_CRS");
        if let Some(survey) = survey {
            command.env("CGT_SURVEY_CRS", survey);
        }
        run_command(&mut command)
    };
    let (ok, printed) = run(Some("EPSG:4549"))?;
    assert!(ok && printed.contains("1 个控制点"), "{printed}");
    let (ok, printed) = run(None)?;
    assert!(!ok && printed.contains("survey_crs"), "{printed}");
    let (ok, printed) = run(Some("EPSG:0"))?;
    assert!(!ok && printed.contains("survey_crs"), "{printed}");
    Ok(())
}
