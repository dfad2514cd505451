using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Expressions;

/// <summary>
/// Every case of every file in tests/expressions runs through every backend; each must give the file's value or
/// problem on every row, or the file's bind-time errors (tests/expressions/README.md).
/// </summary>
public class ExpressionFileTests
{
    public static readonly IReadOnlyList<IExpressionBackend> Backends = [new ScalarBackend(), new KernelBackend()];

    private static string Folder => Golden.PathOf("tests", "expressions");

    public static IEnumerable<object[]> Cases() =>
        Directory.GetFiles(Folder, "*.txt").Order(StringComparer.Ordinal)
            .SelectMany(path => ExpressionFile.Parse(Path.GetFileName(path), File.ReadAllText(path)))
            .Select(c => new object[] { c.ToString() });

    private static ExpressionCase Load(string id)
    {
        var file = id[..id.LastIndexOf(':')];
        return ExpressionFile.Parse(file, File.ReadAllText(Path.Combine(Folder, file))).Single(c => c.ToString() == id);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_backend_gives_the_expected_value_problem_or_error(string id)
    {
        var c = Load(id);
        var failures = new List<string>();
        foreach (var backend in Backends)
        {
            var bound = backend.Bind(c);
            if (!bound.ErrorCodes.SequenceEqual(c.Errors.Order(StringComparer.Ordinal)))
            {
                failures.Add($"{backend.Name}: errors [{string.Join(", ", bound.ErrorCodes)}], expected [{string.Join(", ", c.Errors)}]: "
                    + string.Join(" | ", bound.Contract.Diagnostics.Where(d => d.IsError).Select(d => d.ToString())));
                continue;
            }
            if (c.Errors.Count > 0)
            {
                continue;
            }
            if (c.Type is { } type && bound.TypeName != type)
            {
                failures.Add($"{backend.Name}: type {bound.TypeName}, expected {type}");
            }
            var outcomes = backend.Run(c, bound);
            for (int i = 0; i < c.Rows.Count; i++)
            {
                if (!outcomes[i].Matches(c.Rows[i].Expected))
                {
                    failures.Add($"{backend.Name}, line {c.Rows[i].Line}: {outcomes[i]}, expected {c.Rows[i].Expected}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{id}: {c.Expression}\n" + string.Join("\n", failures));
    }

    [Fact]
    public void The_files_cover_every_operator_and_function()
    {
        var all = Directory.GetFiles(Folder, "*.txt").SelectMany(p => ExpressionFile.Parse(Path.GetFileName(p), File.ReadAllText(p))).ToList();
        var written = string.Join("\n", all.Select(c => c.Expression));
        var missing = Vbc.Operators.Definitions.Functions.Select(f => f.Name + "(")
            .Concat(Vbc.Operators.Definitions.BinaryOperators.Select(o => $" {o.Name} "))
            .Concat(["not ", "if ", "lesser of", "greater of", "by "])
            .Where(token => !written.Contains(token, StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "No case in tests/expressions uses: " + string.Join(", ", missing));
    }
}
