using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vbc.Diagnostics;

namespace Vbc.Reports;

/// <summary>
/// <c>vbc check</c>'s diagnostics for machines: JSON (schema "vbc-diagnostics/1") and SARIF 2.1.0, which CI systems
/// read to annotate pull requests (docs/diagnostics.md, "Machine-readable output"). Both carry each diagnostic's
/// code, severity, 1-based position and message, and the link to the code's section of docs/diagnostics.md.
/// </summary>
public static class DiagnosticReports
{
    public const string JsonSchema = "vbc-diagnostics/1";

    private const string SarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(IReadOnlyList<string> files, IReadOnlyList<Diagnostic> diagnostics) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("schema", JsonSchema);
        w.WriteString("vbcVersion", Provenance.VbcVersion);
        w.WriteStartArray("files");
        foreach (var file in files)
        {
            w.WriteStartObject();
            w.WriteString("file", file);
            w.WriteNumber("errors", diagnostics.Count(d => d.Location.File == file && d.IsError));
            w.WriteNumber("warnings", diagnostics.Count(d => d.Location.File == file && d.Severity == Severity.Warning));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("diagnostics");
        foreach (var d in diagnostics)
        {
            JsonStatementWriter.WriteDiagnostic(w, d);
        }
        w.WriteEndArray();
        w.WriteNumber("errors", diagnostics.Count(d => d.IsError));
        w.WriteNumber("warnings", diagnostics.Count(d => d.Severity == Severity.Warning));
        w.WriteEndObject();
    });

    /// <summary>
    /// One SARIF run: the tool (vbc, its version, one rule per code found, each with its help link), and one result
    /// per diagnostic. File paths are written relative to the working directory (uriBaseId SRCROOT), as CI systems
    /// expect paths relative to the checkout; absolute paths are file: URIs. Lines and columns are 1-based; a
    /// diagnostic about a whole file (line 0) has no region.
    /// </summary>
    public static string Sarif(IReadOnlyList<Diagnostic> diagnostics, string workingDirectory) => Write(w =>
    {
        var rules = diagnostics.Select(d => d.Code).Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();
        w.WriteStartObject();
        w.WriteString("$schema", SarifSchema);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();

        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "vbc");
        w.WriteString("version", Provenance.VbcVersion);
        w.WriteString("semanticVersion", Provenance.VbcVersion);
        w.WriteString("informationUri", DiagnosticHelp.DocumentUri);
        w.WriteStartArray("rules");
        foreach (var code in rules)
        {
            var first = diagnostics.First(d => d.Code == code);
            w.WriteStartObject();
            w.WriteString("id", code);
            w.WriteStartObject("shortDescription");
            w.WriteString("text", DiagnosticHelp.Title(code) ?? code);
            w.WriteEndObject();
            w.WriteString("helpUri", DiagnosticHelp.Link(code));
            w.WriteStartObject("help");
            w.WriteString("text", $"{code}: {DiagnosticHelp.Title(code) ?? code}. What it means and how to fix it: {DiagnosticHelp.Link(code)}");
            w.WriteEndObject();
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", Level(first.Severity));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("originalUriBaseIds");
        w.WriteStartObject("SRCROOT");
        w.WriteString("uri", new Uri(Path.TrimEndingDirectorySeparator(Path.GetFullPath(workingDirectory)) + Path.DirectorySeparatorChar).AbsoluteUri);
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("results");
        foreach (var d in diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", d.Code);
            w.WriteNumber("ruleIndex", rules.IndexOf(d.Code));
            w.WriteString("level", Level(d.Severity));
            w.WriteStartObject("message");
            w.WriteString("text", d.Message);
            w.WriteEndObject();
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            if (Path.IsPathRooted(d.Location.File))
            {
                w.WriteString("uri", new Uri(d.Location.File).AbsoluteUri);
            }
            else
            {
                w.WriteString("uri", RelativeUri(d.Location.File));
                w.WriteString("uriBaseId", "SRCROOT");
            }
            w.WriteEndObject();
            if (d.Location.Line > 0)
            {
                w.WriteStartObject("region");
                w.WriteNumber("startLine", d.Location.Line);
                w.WriteNumber("startColumn", Math.Max(1, d.Location.Column));
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string Level(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    /// <summary>A relative path as a URI reference: forward slashes, each segment escaped.</summary>
    private static string RelativeUri(string path) =>
        string.Join('/', path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }
}
