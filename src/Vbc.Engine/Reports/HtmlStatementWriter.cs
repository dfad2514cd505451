using Vbc.Settlement;

namespace Vbc.Reports;

/// <summary>The statement as a self-contained HTML page (placeholder until the full report lands).</summary>
public static class HtmlStatementWriter
{
    public static string Write(Statement statement) =>
        "<!DOCTYPE html><html><body><pre>" + System.Net.WebUtility.HtmlEncode(TextStatementWriter.Write(statement)) + "</pre></body></html>\n";
}
