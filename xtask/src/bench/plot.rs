//! SVG plots of the results (plotters, SVG backend only).

use std::path::Path;

use plotters::coord::combinators::LogCoord;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

use super::embedding::{self, EmbeddingResults};
use super::eval::{EvalResults, LIBS};
use super::server::{Kind, ServerResults};

const PALETTE: [RGBColor; 6] = [
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
];

fn kind_color(kind: Kind) -> RGBColor {
    match kind {
        Kind::Redis => PALETTE[1],
        Kind::CalcQuiet => PALETTE[0],
        Kind::CalcQuietOneWorker => PALETTE[2],
        Kind::CalcDefault => PALETTE[3],
    }
}

/// Halfway to white: the pipeline-16 shade of a server's colour.
fn lighten(c: RGBColor) -> RGBColor {
    let half = |v: u8| ((u16::from(v) + 255) / 2) as u8;
    RGBColor(half(c.0), half(c.1), half(c.2))
}

/// Axis numbers without spurious decimals, but keeping small ones readable.
fn compact(v: &f64) -> String {
    if v.abs() >= 10.0 || *v == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn integer(v: &f64) -> String {
    format!("{v:.0}")
}

/// Percentile axis labels: x is 1 / (1 - q), so p50 sits at 2 and p99.9 at 1000.
fn percentile(v: &f64) -> String {
    let q = 100.0 * (1.0 - 1.0 / v);
    if q <= 0.0 {
        String::new()
    } else {
        format!("p{}", (q * 10.0).round() / 10.0)
    }
}

/// One line of a plot.
struct Series {
    label: String,
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

/// The axis captions and the x labels of a chart.
struct Axes<'a> {
    x_desc: &'a str,
    y_desc: &'a str,
    x_fmt: &'a dyn Fn(&f64) -> String,
}

/// The mesh, each series (a line and its points) and the legend, on a
/// log-x chart whose y axis is linear or logarithmic.
fn draw<'a, Y>(
    mut chart: ChartContext<'a, SVGBackend<'a>, Cartesian2d<LogCoord<f64>, Y>>,
    axes: &Axes<'_>,
    series: &[Series],
) -> Result<(), String>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    chart
        .configure_mesh()
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .x_label_formatter(axes.x_fmt)
        .y_label_formatter(&compact)
        .draw()
        .map_err(err)?;
    for s in series {
        let color = s.color;
        chart
            .draw_series(LineSeries::new(s.points.clone(), color.stroke_width(2)))
            .map_err(err)?
            .label(s.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        chart
            .draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

/// A log-x line chart; log-y when `log_y`.
fn line_chart(
    path: &Path,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    series: &[Series],
    log_y: bool,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let all: Vec<(f64, f64)> = series.iter().flat_map(|s| s.points.clone()).collect();
    if all.is_empty() {
        return Ok(());
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let x_range = (x0 * 0.8)..(x1 * 1.25);
    let root = SVGBackend::new(path, (820, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut builder = ChartBuilder::on(&root);
    builder
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(80);
    let axes = Axes {
        x_desc,
        y_desc,
        x_fmt,
    };
    if log_y {
        let y_range = ((y0 * 0.7).max(1e-3)..(y1 * 1.5)).log_scale();
        let chart = builder
            .build_cartesian_2d(x_range.log_scale(), y_range)
            .map_err(|e| err(&e))?;
        draw(chart, &axes, series).map_err(|e| err(&e))?;
    } else {
        let chart = builder
            .build_cartesian_2d(x_range.log_scale(), 0f64..(y1 * 1.15))
            .map_err(|e| err(&e))?;
        draw(chart, &axes, series).map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// Throughput and p99 latency against connections, one plot per pipeline
/// depth; the latency percentiles at 50 connections. Returns the file names
/// written.
pub fn server(
    results: &ServerResults,
    dir: &Path,
    pipelines: &[usize],
) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for &p in pipelines {
        let series = |f: &dyn Fn(&super::server::Point) -> Option<f64>| -> Vec<Series> {
            results
                .kinds
                .iter()
                .map(|&k| Series {
                    label: k.label().into(),
                    color: kind_color(k),
                    points: results
                        .points
                        .iter()
                        .filter(|pt| pt.kind == k && pt.pipeline == p && pt.problem.is_empty())
                        .filter_map(|pt| f(pt).map(|y| (pt.connections as f64, y)))
                        .collect(),
                })
                .collect()
        };
        let name = format!("throughput_p{p}.svg");
        line_chart(
            &dir.join(&name),
            &format!("Throughput, pipeline {p}"),
            "connections",
            "requests/s",
            &series(&|pt| pt.rps),
            false,
            &integer,
        )?;
        written.push(name);
        let name = format!("latency_p99_p{p}.svg");
        line_chart(
            &dir.join(&name),
            &format!("p99 latency, pipeline {p}"),
            "connections",
            "p99 latency (µs)",
            &series(&|pt| Some(pt.latency_us[2]).filter(|&v| v > 0.0)),
            true,
            &integer,
        )?;
        written.push(name);
    }
    // Percentile profile at 50 connections: x is the percentile expressed
    // as "nines" (p50 = 2, p90 = 10, p99 = 100, p99.9 = 1000).
    let mut series = Vec::new();
    for &p in pipelines {
        for &k in &results.kinds {
            if let Some(pt) = results.point(k, 50, p).filter(|pt| pt.problem.is_empty()) {
                let xs = [2.0, 10.0, 100.0, 1000.0];
                series.push(Series {
                    label: format!("{}, P={p}", k.label()),
                    color: if p == 1 {
                        kind_color(k)
                    } else {
                        lighten(kind_color(k))
                    },
                    points: xs.iter().copied().zip(pt.latency_us).collect(),
                });
            }
        }
    }
    if !series.is_empty() {
        let name = "latency_percentiles_c50.svg".to_string();
        line_chart(
            &dir.join(&name),
            "Latency percentiles at 50 connections",
            "percentile",
            "latency (µs)",
            &series,
            true,
            &percentile,
        )?;
        written.push(name);
    }
    Ok(written)
}

/// Time per input against input length, log-log, per library and CPython.
pub fn eval_length(results: &EvalResults, dir: &Path) -> Result<Vec<String>, String> {
    let mut series: Vec<Series> = LIBS
        .iter()
        .enumerate()
        .map(|(i, lib)| Series {
            label: (*lib).into(),
            color: PALETTE[i % PALETTE.len()],
            points: results
                .lengths
                .iter()
                .filter_map(|r| {
                    r.libs
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|ns| (r.bytes as f64, ns / 1000.0))
                })
                .collect(),
        })
        .collect();
    series.push(Series {
        label: "CPython eval".into(),
        color: PALETTE[4],
        points: results
            .lengths
            .iter()
            .filter_map(|r| r.cpython.map(|ns| (r.bytes as f64, ns / 1000.0)))
            .collect(),
    });
    let name = "eval_length.svg".to_string();
    line_chart(
        &dir.join(&name),
        "Parse + evaluate + format time against input length",
        "input length (bytes)",
        "time per input (µs)",
        &series,
        true,
        &integer,
    )?;
    Ok(vec![name])
}

/// One library's bars in a bar chart: one value per group.
struct Bars {
    label: String,
    color: RGBColor,
    values: Vec<Option<f64>>,
}

/// Grouped bars on a log-y axis: one group per entry of `groups`, one bar
/// per series in each, a legend, and each group's name under its bars.
fn bar_chart(
    path: &Path,
    title: &str,
    y_desc: &str,
    groups: &[&str],
    bars: &[Bars],
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let values: Vec<f64> = bars
        .iter()
        .flat_map(|b| b.values.iter().flatten().copied())
        .filter(|v| *v > 0.0)
        .collect();
    if values.is_empty() || groups.is_empty() {
        return Ok(());
    }
    let y0 = values.iter().copied().fold(f64::MAX, f64::min) * 0.5;
    let y1 = values.iter().copied().fold(f64::MIN, f64::max) * 3.0;
    let root = SVGBackend::new(path, (820, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..groups.len() as f64, (y0..y1).log_scale())
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc(y_desc)
        .y_label_formatter(&compact)
        .draw()
        .map_err(|e| err(&e))?;
    // Each group is one unit wide: the bars side by side, a bar's width of
    // space on either side.
    let width = 1.0 / (bars.len() + 2) as f64;
    for (k, b) in bars.iter().enumerate() {
        let color = b.color;
        let rects: Vec<Rectangle<(f64, f64)>> = b
            .values
            .iter()
            .enumerate()
            .filter_map(|(g, v)| {
                let v = (*v)?;
                let x = g as f64 + width * (k + 1) as f64;
                Some(Rectangle::new(
                    [(x, y0), (x + width * 0.9, v)],
                    color.filled(),
                ))
            })
            .collect();
        chart
            .draw_series(rects)
            .map_err(|e| err(&e))?
            .label(b.label.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 15, y + 5)], color.filled()));
    }
    chart
        .draw_series(groups.iter().enumerate().map(|(g, name)| {
            Text::new(
                (*name).to_string(),
                (g as f64 + width, y0 * 1.15),
                ("monospace", 13),
            )
        }))
        .map_err(|e| err(&e))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// The embedding suite's two bar charts: time per evaluation parsed once,
/// and per one-shot parse + evaluation, per formula and library.
pub fn embedding(results: &EmbeddingResults, dir: &Path) -> Result<Vec<String>, String> {
    let groups: Vec<&str> = results.rows.iter().map(|r| r.formula).collect();
    let series = |one_shot: bool| -> Vec<Bars> {
        embedding::LIBS
            .iter()
            .enumerate()
            .filter(|(_, lib)| !one_shot || **lib != "native")
            .map(|(i, lib)| Bars {
                label: (*lib).into(),
                color: if i < PALETTE.len() {
                    PALETTE[i]
                } else {
                    RGBColor(0x7f, 0x7f, 0x7f)
                },
                values: results
                    .rows
                    .iter()
                    .map(|r| {
                        if one_shot {
                            r.one_shot(lib)
                        } else {
                            r.once(lib)
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    let mut written = Vec::new();
    let name = "embedding_once.svg".to_string();
    bar_chart(
        &dir.join(&name),
        "Parsed once: time per evaluation at changing (x, y)",
        "ns per evaluation",
        &groups,
        &series(false),
    )?;
    written.push(name);
    let name = "embedding_oneshot.svg".to_string();
    bar_chart(
        &dir.join(&name),
        "One-shot parse + evaluate with x and y",
        "ns per parse + evaluation",
        &groups,
        &series(true),
    )?;
    written.push(name);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_draw_each_series_and_its_legend_on_either_y_axis() {
        let dir = std::env::temp_dir().join(format!("xtask-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let series = [
            Series {
                label: "first line".into(),
                color: PALETTE[0],
                points: vec![(1.0, 10.0), (10.0, 100.0), (100.0, 1000.0)],
            },
            Series {
                label: "second line".into(),
                color: PALETTE[1],
                points: vec![(1.0, 5.0), (100.0, 50.0)],
            },
        ];
        for log_y in [false, true] {
            let path = dir.join(format!("chart-{log_y}.svg"));
            line_chart(
                &path, "a title", "x axis", "y axis", &series, log_y, &integer,
            )
            .unwrap();
            let svg = std::fs::read_to_string(&path).unwrap();
            for text in ["a title", "x axis", "y axis", "first line", "second line"] {
                assert!(svg.contains(text), "{text} in the {log_y} chart");
            }
            assert_eq!(svg.matches("<circle").count(), 5, "one mark per point");
        }
        let path = dir.join("bars.svg");
        let bars = [
            Bars {
                label: "lib one".into(),
                color: PALETTE[0],
                values: vec![Some(10.0), Some(20.0)],
            },
            Bars {
                label: "lib two".into(),
                color: PALETTE[1],
                values: vec![Some(300.0), None],
            },
        ];
        bar_chart(&path, "bars", "ns", &["group a", "group b"], &bars).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        for text in ["bars", "ns", "lib one", "lib two", "group a", "group b"] {
            assert!(svg.contains(text), "{text} in the bar chart");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
