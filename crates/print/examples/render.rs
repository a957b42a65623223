//! Renders a prescription JSON file to a PDF: `cargo run -p relais-print --example render -- in.json out.pdf`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = match (args.get(1), args.get(2)) {
        (Some(i), Some(o)) => (i, o),
        _ => return Err("usage: render IN.json OUT.pdf".into()),
    };
    let json = std::fs::read_to_string(input)?;
    let bytes = if json.contains("\"consultationId\"") {
        relais_print::report::render(&relais_core::report::Report::from_json(&json)?)?
    } else {
        relais_print::prescription::render(&relais_core::prescription::Prescription::from_json(
            &json,
        )?)?
    };
    std::fs::write(output, bytes)?;
    Ok(())
}
