using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Language;

/// <summary>
/// Mutates the example contracts (fixed seed, 600 cases: the same cases on every machine) with the
/// pieces that broke the front end before (nesting, signs, emoji, year ranges, 28-digit numbers, ';', 'x') and
/// checks the parser, binder and formatter: no exception, every diagnostic positioned, and a contract without
/// syntax errors formats to text that parses without errors and formats to itself.
/// </summary>
public class ContractTextFuzzTests
{
    private static readonly string[] Pieces =
    {
        "(", ")", "{", "}", "-", "not ", "if ", " then ", " else ", ":", ",", "\n", " x ", " of the ", "2025-2026",
        "\U0001F600", ";", "$", "%", "99th", " to ", " and above", "lesser of ", "\"", "/*", "0", "-$5",
        "9999999999999999999999999999", "0.0000000000000000000000000001", "2147483648", "years: 2024.5\n", " per member",
        " percent",
    };

    [Fact]
    public void Mutated_example_contracts_never_throw_and_format_stably()
    {
        var files = Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var random = new Random(6);
        var problems = new List<string>();
        for (int n = 0; n < 600; n++)
        {
            var text = File.ReadAllText(files[random.Next(files.Length)]).Replace("\r\n", "\n");
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                int at = random.Next(text.Length);
                text = random.Next(3) == 0
                    ? text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at))
                    : text.Insert(at, Pieces[random.Next(Pieces.Length)]);
            }
            try
            {
                var parsed = ContractParser.Parse(text, "fuzz.vbc");
                var bound = Binder.Bind(parsed);
                problems.AddRange(bound.Diagnostics.Where(d => d.Location.Line <= 0 && d.Code != "VBC0001").Select(d => $"case {n}: not positioned: {d}"));
                if (!parsed.HasErrors)
                {
                    var formatted = ContractFormatter.Format(parsed);
                    var again = ContractParser.Parse(formatted, "fuzz.vbc");
                    if (again.HasErrors || ContractFormatter.Format(again) != formatted)
                    {
                        problems.Add($"case {n}: formatting is not stable:\n{text}");
                    }
                }
            }
            catch (Exception e)
            {
                problems.Add($"case {n}: {e}\n{text}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n\n", problems.Take(3)));
    }
}
