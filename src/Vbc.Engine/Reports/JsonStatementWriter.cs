using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Reports;

/// <summary>
/// The statement as JSON for machines, schema "vbc-statement/2" (docs/statement-schema.md). Every decimal is a
/// string holding the exact value (JSON numbers lose digits in many readers). Properties come in a fixed order and
/// nothing depends on the time or the machine: the same statement gives the same bytes.
/// </summary>
public static class JsonStatementWriter
{
    public const string Schema = "vbc-statement/2";

    /// <summary>The schema of several statements in one document (<c>--inputs</c>).</summary>
    public const string ManySchema = "vbc-statements/2";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(Statement statement)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            WriteStatement(w, statement);
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    /// <summary>Several statements (one per organisation) as one document: {"schema": ..., "statements": [...]}.</summary>
    public static string WriteMany(IEnumerable<Statement> statements, IEnumerable<(string Organisation, IReadOnlyList<Diagnostics.Diagnostic> Problems)> failures,
        Action<Utf8JsonWriter>? more = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            w.WriteString("schema", ManySchema);
            w.WriteStartArray("statements");
            foreach (var s in statements)
            {
                WriteStatement(w, s);
            }
            w.WriteEndArray();
            w.WriteStartArray("failures");
            foreach (var (organisation, problems) in failures)
            {
                w.WriteStartObject();
                w.WriteString("organisation", organisation);
                w.WriteStartArray("diagnostics");
                foreach (var d in problems)
                {
                    WriteDiagnostic(w, d);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            // Fields added within the version after the two arrays (a portfolio's figures and totals).
            more?.Invoke(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    public static void WriteDiagnostic(Utf8JsonWriter w, Diagnostics.Diagnostic d)
    {
        w.WriteStartObject();
        w.WriteString("code", d.Code);
        w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
        w.WriteString("file", d.Location.File);
        w.WriteNumber("line", d.Location.Line);
        w.WriteNumber("column", d.Location.Column);
        w.WriteString("message", d.Message);
        w.WriteString("help", DiagnosticHelp.Link(d.Code));
        w.WriteEndObject();
    }

    private static void WriteStatement(Utf8JsonWriter w, Statement s)
    {
        w.WriteStartObject();
        w.WriteString("schema", Schema);

        w.WriteStartObject("contract");
        w.WriteString("name", s.Contract.Name);
        w.WriteString("payer", s.Contract.Payer);
        w.WriteString("provider", s.Contract.Provider);
        w.WriteString("version", s.Contract.Version);
        w.WriteString("periodStart", s.Contract.PeriodStart?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("periodEnd", s.Contract.PeriodEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("file", s.ContractFile);
        w.WriteEndObject();

        w.WriteNumber("performanceYear", s.PerformanceYear);
        w.WriteString("level", s.Level);
        w.WriteString("organisation", s.Organisation);

        w.WriteStartArray("inputs");
        foreach (var input in s.Inputs)
        {
            w.WriteStartObject();
            w.WriteString("name", input.Name);
            w.WriteString("type", input.DeclaredType);
            w.WriteString("value", input.Shown);
            ExactValue(w, "exact", input.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        if (s.Data is { } data)
        {
            w.WriteStartObject("data");
            w.WriteString("file", data.File);
            w.WriteString("claimsFile", data.ClaimsFile);
            w.WriteStartArray("ignoredColumns");
            foreach (var c in data.IgnoredColumns)
            {
                w.WriteStringValue(c);
            }
            w.WriteEndArray();
            w.WriteStartArray("excludedRows");
            foreach (var row in data.ExcludedRows)
            {
                w.WriteStartObject();
                if (row.Line > 0)
                {
                    w.WriteNumber("line", row.Line);
                    w.WriteNumber("dataRow", row.DataRow);
                }
                else
                {
                    // A database table's row: it has no line; memberId names it.
                    w.WriteNull("line");
                    w.WriteNull("dataRow");
                }
                w.WriteString("memberId", row.MemberId);
                if (row.Table is not null)
                {
                    // Several tables: which table's file the row is in (memberId is then that table's id).
                    w.WriteString("table", row.Table);
                    w.WriteString("file", row.File);
                }
                w.WriteString("problem", row.Problem);
                Decimal(w, "dollars", row.Dollars);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("claimsNotCounted");
            foreach (var note in data.ClaimsNotes ?? Array.Empty<ClaimsNote>())
            {
                w.WriteStartObject();
                w.WriteString("reason", note.Reason);
                w.WriteNumber("claims", note.Claims);
                Decimal(w, "dollars", note.Dollars);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (data.Tables.Count > 0)
            {
                // Added in vbc-statement/2 for contracts with several tables; absent otherwise, so older readers are unaffected.
                w.WriteStartArray("tables");
                foreach (var t in data.Tables)
                {
                    w.WriteStartObject();
                    w.WriteString("table", t.Table);
                    w.WriteString("file", t.File);
                    w.WriteNumber("rows", t.Rows);
                    // Null when the table has no money column: not measured, which is not $0.00.
                    CostOrNull(w, "dollars", t.Dollars, t.MoneyMeasured);
                    w.WriteBoolean("conserved", t.Conserved);
                    w.WriteNumber("unmatchedRows", t.UnmatchedRows);
                    CostOrNull(w, "unmatchedDollars", t.UnmatchedDollars, t.MoneyMeasured);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("data");
        }

        if (s.Population is { } p)
        {
            w.WriteStartObject("population");
            w.WriteNumber("rowsRead", p.RowsRead);
            w.WriteBoolean("costMeasured", p.CostMeasured);
            w.WriteNumber("members", p.Members);
            Decimal(w, "memberMonths", p.MemberMonths);
            w.WriteStartArray("exclusions");
            foreach (var e in p.Exclusions)
            {
                w.WriteStartObject();
                w.WriteString("reason", e.Reason);
                w.WriteString("source", e.Source);
                w.WriteNumber("rows", e.Rows);
                CostOrNull(w, "cost", e.Cost, p.CostMeasured);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (p.CostMeasured)
            {
                w.WriteStartObject("dollars");
                Decimal(w, "input", p.InputCost);
                Decimal(w, "excluded", p.ExcludedCost);
                Decimal(w, "carvedOut", p.CarvedOut);
                Decimal(w, "truncatedExcess", p.TruncatedExcess);
                Decimal(w, "counted", p.CountedCost);
                w.WriteBoolean("conserved", p.Conserved);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("dollars");
            }
            if (p.TruncationThreshold is { } t)
            {
                w.WriteStartObject("truncation");
                Decimal(w, "threshold", t);
                w.WriteString("rule", p.TruncationRule);
                w.WriteNumber("membersTruncated", p.MembersTruncated);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("truncation");
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("population");
        }

        w.WriteStartArray("lines");
        foreach (var line in s.Lines)
        {
            w.WriteStartObject();
            w.WriteString("id", line.Id);
            w.WriteString("kind", line.Kind.ToString().ToLowerInvariant());
            w.WriteString("clause", line.Clause);
            w.WriteString("label", line.Label);
            DecimalOrNull(w, "value", line.Value);
            w.WriteString("unit", line.Unit?.DisplayName);
            w.WriteString("formula", line.Formula);
            DecimalOrNull(w, "amount", line.Amount);
            if (line.Source is { } source)
            {
                w.WriteStartObject("source");
                w.WriteString("file", source.File);
                w.WriteNumber("line", source.Line);
                w.WriteNumber("column", source.Column);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("source");
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();

        Decimal(w, "total", s.Total);

        // Written only when the contract uses plug-ins, so statements without them keep their bytes.
        if (s.Plugins.Count > 0)
        {
            w.WriteStartArray("plugins");
            foreach (var plugin in s.Plugins)
            {
                w.WriteStartObject();
                w.WriteString("name", plugin.Name);
                w.WriteString("keyword", plugin.Keyword);
                w.WriteString("version", plugin.Version);
                w.WriteString("sha256", plugin.Sha256);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        if (s.Reproduce is { } r)
        {
            w.WriteStartObject("reproduce");
            w.WriteString("vbcVersion", r.VbcVersion);
            w.WriteStartArray("files");
            foreach (var file in r.Files)
            {
                w.WriteStartObject();
                w.WriteString("role", file.Role);
                w.WriteString("path", file.Path);
                w.WriteString("sha256", file.Sha256);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("command", r.Command);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("reproduce");
        }
        w.WriteEndObject();
    }

    /// <summary>An input's exact value: a decimal string for numbers (a fraction for percents), true/false, text, or a date.</summary>
    private static void ExactValue(Utf8JsonWriter w, string name, Value? given)
    {
        if (given is not { } value)
        {
            w.WriteNull(name);
            return;
        }
        switch (value.Kind)
        {
            case ValueKind.Number or ValueKind.Percentile:
                Decimal(w, name, value.Number);
                break;
            case ValueKind.Flag:
                w.WriteBoolean(name, value.Flag);
                break;
            case ValueKind.Text:
                w.WriteString(name, value.Text);
                break;
            case ValueKind.Date:
                w.WriteString(name, value.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            default:
                w.WriteNull(name);
                break;
        }
    }

    /// <summary>A cost, or null when the contract measures no cost (a $0.00 there would not be zero).</summary>
    private static void CostOrNull(Utf8JsonWriter w, string name, decimal value, bool measured) =>
        DecimalOrNull(w, name, measured ? value : null);

    /// <summary>An exact decimal, or null when there is none.</summary>
    private static void DecimalOrNull(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v)
        {
            Decimal(w, name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>An exact decimal as a string, without trailing zeros beyond the cents.</summary>
    private static void Decimal(Utf8JsonWriter w, string name, decimal value) => w.WriteString(name, Exact(value));

    public static string Exact(decimal value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.'))
        {
            text = text.TrimEnd('0');
            int decimals = text.Length - text.IndexOf('.') - 1;
            if (decimals < 2)
            {
                text += new string('0', 2 - decimals);
            }
        }
        else
        {
            text += ".00";
        }
        return text;
    }
}
