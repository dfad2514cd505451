using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vbc.Data.Synthetic;
using Vbc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Vbc.Tests.Fuzz;

/// <summary>
/// A fixed-seed mutation fuzzer over every example contract, its data and its inputs. Each case changes one thing
/// (a number, a line, a character, a cell, a row, an input) the way a careless or hostile user would, settles the
/// result in-process and checks the laws that hold for any input: no internal error and no stack trace, no hang,
/// every error positioned, and whenever vbc says it settled (exit 0) the dollars are conserved exactly and the total
/// is the sum of the rounded payment lines. The cases are the same on every machine (the generator's own
/// random numbers, a fixed seed and count); a failure names the case and leaves its files in a folder to rerun.
/// </summary>
public class MutationFuzzTests(ITestOutputHelper output)
{
    public const long Seed = 20261128;
    /// <summary>80 in the suite; VBC_FUZZ_CASES=N runs N per example (the same first 80, then more) for a longer hunt.</summary>
    public static int CasesPerExample { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("VBC_FUZZ_CASES"), out var n) && n > 0 ? n : 80;
    private const int DataRows = 150;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An example contract and the settle command its header gives.</summary>
    /// <summary>An example to mutate: its contract, its (first) data file, and for a contract with several tables the
    /// table that file is given for ("members"); the other tables' --data stay in the arguments, unmutated.</summary>
    public sealed record Example(string Contract, string Data, IReadOnlyList<string> Arguments, string? Table = null);

    public static TheoryData<string> ExampleNames()
    {
        var data = new TheoryData<string>();
        foreach (var e in Examples())
        {
            data.Add(Path.GetFileNameWithoutExtension(e.Contract));
        }
        return data;
    }

    private static IEnumerable<Example> Examples()
    {
        foreach (var file in Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc").OrderBy(f => f, StringComparer.Ordinal))
        {
            var command = ExampleHeader.Command(file);
            Assert.True(command is ["settle", ..], $"{file} has no '{ExampleHeader.Marker}settle ...' header line");
            var args = command!.ToList();
            int dataAt = args.IndexOf("--data");
            Assert.True(dataAt > 0, $"{file}: the header command has no --data");
            var data = args[dataAt + 1];
            int eq = data.IndexOf('=');
            string? table = eq > 0 ? data[..eq] : null;
            args.RemoveRange(dataAt, 2);
            args.RemoveRange(0, 2); // "settle CONTRACT"
            // The other tables' files, from the repository root: the cases do not run there.
            for (int i = 0; i + 1 < args.Count; i++)
            {
                if (args[i] == "--data" && args[i + 1].IndexOf('=') is > 0 and var at)
                {
                    args[i + 1] = args[i + 1][..(at + 1)] + Golden.PathOf(args[i + 1][(at + 1)..]);
                }
            }
            yield return new Example(file, Golden.PathOf(data[(eq + 1)..]), args, table);
        }
    }

    /// <summary>One mutated case: the files and arguments to settle, and what was changed.</summary>
    private sealed record Case(int Number, string What, string Contract, string Data, IReadOnlyList<string> Arguments);

    private sealed record Outcome(Case Case, int Exit, string Output, string Error, string? Broken);

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Mutated_examples_never_crash_hang_or_settle_wrong_money(string example)
    {
        var e = Examples().Single(x => Path.GetFileNameWithoutExtension(x.Contract) == example);
        var contract = File.ReadAllText(e.Contract);
        var dataLines = File.ReadLines(e.Data).Take(DataRows + 1).ToList();
        var data = string.Join("\n", dataLines) + "\n";
        var random = new DeterministicRandom((ulong)(Seed ^ StableHash(example)));
        // One folder per test process: other worktrees on the same machine run this test at the same time.
        var folder = Path.Combine(Path.GetTempPath(), $"vbc-fuzz-{Environment.ProcessId}", example);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);

        var outcomes = new List<Outcome>();
        for (int n = 1; n <= CasesPerExample; n++)
        {
            var c = Mutate(n, contract, data, e.Arguments, random);
            var dir = Path.Combine(folder, $"case-{n:000}");
            Directory.CreateDirectory(dir);
            var contractPath = Path.Combine(dir, "contract.vbc");
            var dataPath = Path.Combine(dir, "data.csv");
            File.WriteAllText(contractPath, c.Contract, new UTF8Encoding(false));
            File.WriteAllText(dataPath, c.Data, new UTF8Encoding(false));
            var args = new List<string> { "settle", contractPath, "--data", e.Table is null ? dataPath : $"{e.Table}={dataPath}", "--format", "json" };
            args.AddRange(c.Arguments);
            File.WriteAllText(Path.Combine(dir, "command"), "vbc " + string.Join(" ", args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a)) + "\n# " + c.What + "\n");
            outcomes.Add(Run(c, args));
        }

        int settled = outcomes.Count(o => o.Exit == 0), refused = outcomes.Count(o => o.Exit is 1 or 2);
        var broken = outcomes.Where(o => o.Broken is not null).ToList();
        output.WriteLine($"{example}: {outcomes.Count} mutated cases (seed {Seed}): {settled} settled, {refused} refused with diagnostics, " +
            $"{broken.Count(o => o.Broken!.StartsWith("crash", StringComparison.Ordinal))} crashes, " +
            $"{broken.Count(o => o.Broken!.StartsWith("hang", StringComparison.Ordinal))} hangs, " +
            $"{broken.Count(o => o.Broken!.StartsWith("wrong", StringComparison.Ordinal))} wrong totals, " +
            $"{broken.Count(o => o.Broken!.StartsWith("unpositioned", StringComparison.Ordinal))} unpositioned errors.");
        if (broken.Count > 0)
        {
            Assert.Fail($"{broken.Count} of {outcomes.Count} mutated cases of {example} broke a law (files in {folder}/case-NNN):\n" +
                string.Join("\n", broken.Select(o => $"  case {o.Case.Number:000} ({o.Case.What}): {o.Broken}")));
        }
        Directory.Delete(folder, recursive: true);
    }

    private static Outcome Run(Case c, List<string> args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var task = Task.Run(() => Vbc.Cli.Program.Run(args.ToArray(), stdout, stderr));
        if (!task.Wait(CaseTimeout))
        {
            return new Outcome(c, -1, "", "", $"hang: no answer in {CaseTimeout.TotalSeconds} s");
        }
        int exit = task.Result;
        string o = stdout.ToString(), err = stderr.ToString();
        return new Outcome(c, exit, o, err, Judge(exit, o, err));
    }

    /// <summary>The laws every run keeps; null when it kept them all, else which one it broke.</summary>
    private static string? Judge(int exit, string output, string error)
    {
        if (exit is not (0 or 1 or 2) || error.Contains("internal error", StringComparison.Ordinal) || (output + error).Contains("   at ", StringComparison.Ordinal))
        {
            return $"crash: exit {exit}: {FirstLines(error)}";
        }
        if (exit == 1)
        {
            var errors = (output + "\n" + error).Split('\n').Where(l => Regex.IsMatch(l, @"\berror VBC\d{4}\b")).ToList();
            if (errors.Count == 0)
            {
                return $"unpositioned: exit 1 with no error diagnostic: {FirstLines(error)}";
            }
            var bad = errors.FirstOrDefault(l => !Regex.IsMatch(l, @"^\S.*\(\d+,\d+\): error VBC\d{4}: \S"));
            return bad is null ? null : $"unpositioned: {bad}";
        }
        if (exit == 0)
        {
            return CheckStatement(output);
        }
        return null;
    }

    /// <summary>A settled statement: dollars in equal dollars out, computed from the parts; the total adds up.</summary>
    internal static string? CheckStatement(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return $"wrong: exit 0 but the statement is not JSON: {e.Message}";
        }
        using (doc)
        {
            var root = doc.RootElement;
            decimal sum = 0;
            foreach (var line in root.GetProperty("lines").EnumerateArray())
            {
                if (line.GetProperty("kind").GetString() == "component")
                {
                    var amount = Exact(line.GetProperty("amount"));
                    if (amount != decimal.Round(amount, 2))
                    {
                        return $"wrong: payment line {line.GetProperty("id").GetString()} is not rounded to cents: {amount}";
                    }
                    sum += amount;
                }
            }
            var total = Exact(root.GetProperty("total"));
            if (total != sum)
            {
                return $"wrong: total {total} but the payment lines add to {sum}";
            }
            // Without a cost basis no dollars are measured and the statement says so (dollars: null).
            if (root.TryGetProperty("population", out var population) && population.ValueKind == JsonValueKind.Object
                && population.GetProperty("dollars") is { ValueKind: JsonValueKind.Object } d)
            {
                decimal input = Exact(d.GetProperty("input"));
                decimal parts = Exact(d.GetProperty("excluded")) + Exact(d.GetProperty("carvedOut")) + Exact(d.GetProperty("truncatedExcess")) + Exact(d.GetProperty("counted"));
                if (input != parts)
                {
                    return $"wrong: input {input} but excluded + carved out + truncated + counted = {parts}";
                }
                if (!d.GetProperty("conserved").GetBoolean())
                {
                    return "wrong: exit 0 with a statement that says the dollars are not conserved";
                }
            }
        }
        return null;
    }

    private static decimal Exact(JsonElement e) =>
        e.ValueKind == JsonValueKind.String
            ? decimal.Parse(e.GetString()!, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : e.GetDecimal();

    private static string FirstLines(string text) => string.Join(" / ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(2));

    // ---- mutations ---------------------------------------------------------------------------------------------

    private static readonly string[] ExtremeNumbers =
    {
        "7900000000000000000000000", "0.0000000000000000000000000001", "-1", "0", "2147483648", "99999999999999999999999999999",
        "1e5", "12,5", "$$200", "200$", "4,0,0,0", "-0.01", "1.5", "100000000000000000000.005",
    };

    private static readonly string[] ExtremeCells =
    {
        "", "-1", "abc", "12,5", "1e5", "40000000000000000000000000000", "4e28", "9999999999999999999999999999", "-0.01",
        "$1,000.00", "1,0", "NaN", "0.0000000000000000000000000001", "\u001b[31mred", "=1+2", "\"quoted\"", "1.005",
        "99999999999999999999999999999999999999", "0", "13", "-12", "1000000000000.00", " 5 ", "\u00e9t\u00e9",
    };

    private static readonly string[] Tokens = { "{", "}", ":", "(", ")", "if", "of", "%", "$", "\n", ",", "to", "\"", "//", "-", "*", "not" };

    private static Case Mutate(int number, string contract, string data, IReadOnlyList<string> arguments, DeterministicRandom r)
    {
        // Contract mutations are the most varied; data and inputs get their share.
        long kind = r.NextInt(0, 99);
        if (kind < 50)
        {
            var (text, what) = MutateContract(contract, r);
            return new Case(number, what, text, data, arguments);
        }
        if (kind < 85)
        {
            var (text, what) = MutateData(data, r);
            return new Case(number, what, contract, text, arguments);
        }
        var inputs = arguments.ToList();
        var at = Enumerable.Range(0, inputs.Count).Where(i => inputs[i] == "--input").ToList();
        if (at.Count == 0)
        {
            var (text, what) = MutateData(data, r);
            return new Case(number, what, contract, text, arguments);
        }
        int i = at[(int)r.NextInt(0, at.Count - 1)] + 1;
        var name = inputs[i][..inputs[i].IndexOf('=')];
        var value = Pick(ExtremeNumbers, r);
        inputs[i] = $"{name}={value}";
        return new Case(number, $"input {name} = {value}", contract, data, inputs);
    }

    private static (string Text, string What) MutateContract(string text, DeterministicRandom r)
    {
        var lines = text.Split('\n').ToList();
        switch (r.NextInt(0, 8))
        {
            case 0:
            case 1:
            case 2:
            {
                var numbers = Regex.Matches(text, @"\$?\d[\d,]*(\.\d+)?%?").Where(m => !IsInComment(text, m.Index)).ToList();
                if (numbers.Count == 0)
                {
                    break;
                }
                var m = numbers[(int)r.NextInt(0, numbers.Count - 1)];
                var replacement = Pick(ExtremeNumbers, r);
                if (m.Value.StartsWith('$') && !replacement.StartsWith('$') && !replacement.StartsWith('-'))
                {
                    replacement = "$" + replacement;
                }
                if (m.Value.EndsWith('%') && !replacement.EndsWith('$'))
                {
                    replacement += "%";
                }
                return (text[..m.Index] + replacement + text[(m.Index + m.Length)..], $"contract: {m.Value} at offset {m.Index} -> {replacement}");
            }
            case 3:
            {
                int i = (int)r.NextInt(0, lines.Count - 1);
                var removed = lines[i];
                lines.RemoveAt(i);
                return (string.Join('\n', lines), $"contract: line {i + 1} deleted ({removed.Trim()})");
            }
            case 4:
            {
                int i = (int)r.NextInt(0, lines.Count - 1);
                lines.Insert(i, lines[i]);
                return (string.Join('\n', lines), $"contract: line {i + 1} duplicated");
            }
            case 5:
            {
                int i = (int)r.NextInt(0, lines.Count - 1), j = (int)r.NextInt(0, lines.Count - 1);
                (lines[i], lines[j]) = (lines[j], lines[i]);
                return (string.Join('\n', lines), $"contract: lines {i + 1} and {j + 1} swapped");
            }
            case 6:
            {
                int at = (int)r.NextInt(0, text.Length);
                var token = Pick(Tokens, r);
                return (text[..at] + token + text[at..], $"contract: '{Escape(token)}' inserted at offset {at}");
            }
            case 7:
            {
                int at = (int)r.NextInt(0, Math.Max(0, text.Length - 1));
                return (text.Remove(at, Math.Min(1 + (int)r.NextInt(0, 3), text.Length - at)), $"contract: characters deleted at offset {at}");
            }
            default:
            {
                var words = Regex.Matches(text, @"[a-z_]{3,}").Where(m => !IsInComment(text, m.Index)).ToList();
                var a = words[(int)r.NextInt(0, words.Count - 1)];
                var b = words[(int)r.NextInt(0, words.Count - 1)];
                return (text[..a.Index] + b.Value + text[(a.Index + a.Length)..], $"contract: word '{a.Value}' at offset {a.Index} -> '{b.Value}'");
            }
        }
        return (text, "contract unchanged");
    }

    private static (string Text, string What) MutateData(string data, DeterministicRandom r)
    {
        var lines = data.TrimEnd('\n').Split('\n').ToList();
        int row = (int)r.NextInt(1, lines.Count - 1);
        var cells = lines[row].Split(',').ToList();
        switch (r.NextInt(0, 9))
        {
            case 0:
            case 1:
            case 2:
            case 3:
            {
                int col = (int)r.NextInt(0, cells.Count - 1);
                var value = Pick(ExtremeCells, r);
                var column = lines[0].Split(',')[col];
                cells[col] = value.Contains(',') ? $"\"{value}\"" : value;
                lines[row] = string.Join(',', cells);
                return (string.Join('\n', lines) + "\n", $"data: row {row} {column} = '{Escape(value)}'");
            }
            case 4:
            {
                // Every row of one column at an extreme: sums near the limits of decimal.
                int col = (int)r.NextInt(0, cells.Count - 1);
                var value = Pick(ExtremeCells, r);
                for (int i = 1; i < lines.Count; i++)
                {
                    var c = lines[i].Split(',');
                    c[col] = value.Contains(',') ? $"\"{value}\"" : value;
                    lines[i] = string.Join(',', c);
                }
                return (string.Join('\n', lines) + "\n", $"data: every row's {lines[0].Split(',')[col]} = '{Escape(value)}'");
            }
            case 5:
                cells.RemoveAt((int)r.NextInt(0, cells.Count - 1));
                lines[row] = string.Join(',', cells);
                return (string.Join('\n', lines) + "\n", $"data: row {row} has a cell too few");
            case 6:
                lines.Insert(row, lines[row]);
                return (string.Join('\n', lines) + "\n", $"data: row {row} duplicated");
            case 7:
            {
                var header = lines[0].Split(',');
                int col = (int)r.NextInt(0, header.Length - 1);
                var old = header[col];
                header[col] = r.Bernoulli(0.5) ? header[(col + 1) % header.Length] : old + "x";
                lines[0] = string.Join(',', header);
                return (string.Join('\n', lines) + "\n", $"data: header column {old} -> {header[col]}");
            }
            case 8:
                return (string.Join("\r", lines) + "\r", "data: CR-only line ends");
            default:
            {
                int cut = (int)r.NextInt(0, data.Length - 1);
                return (data[..cut], $"data: cut at byte {cut}");
            }
        }
    }

    private static bool IsInComment(string text, int index)
    {
        int lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        return text.IndexOf("//", lineStart, index - lineStart, StringComparison.Ordinal) >= 0;
    }

    private static string Pick(string[] items, DeterministicRandom r) => items[(int)r.NextInt(0, items.Length - 1)];

    private static string Escape(string s) => s.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\u001b", "\\e");

    private static ulong StableHash(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }
}
