using Vbc.Operators;
using Vbc.Semantics;
using Vbc.Syntax;

namespace Vbc.Tests.Expressions;

/// <summary>
/// Beyond the written cases: every backend works out the same expressions over many generated rows (small and huge
/// numbers, many decimal places, zeros, signs), and all must give the same value or the same problem on each row.
/// </summary>
public class BackendAgreementTests
{
    [Fact]
    public void Every_operator_enum_has_its_definition()
    {
        Assert.All(Enum.GetValues<BinaryOperator>(), op => Assert.Contains(Definitions.BinaryOperators, d => d.Operator == op));
        Assert.All(Enum.GetValues<UnaryOperator>(), op => Assert.Contains(Definitions.UnaryOperators, d => d.Operator == op));
        Assert.All(Enum.GetValues<BuiltInFunction>(), f => Assert.Contains(Definitions.Functions, d => d.Function == f));
        Assert.Equal(Definitions.Functions.Select(f => f.Name), ExpressionBinder.FunctionNames);
    }

    private static readonly decimal[] Edges =
    [
        0m, 1m, -1m, 2m, 3m, 7m, 0.5m, -0.5m, 0.005m, 2.345m, 1.1m, 100.01m, 12m, 1e-28m, 5e-28m, -5e-28m,
        9999999999999999999999999999m, 79228162514264337593543950335m, -79228162514264337593543950335m,
        39614081257132168796771975168m, 0.3333333333333333333333333333m,
    ];

    private static decimal Generate(Random random) => random.Next(4) switch
    {
        0 => Edges[random.Next(Edges.Length)],
        1 => new decimal(random.Next(), random.Next(), random.Next(), random.Next(2) == 0, (byte)random.Next(29)),
        2 => Math.Round((decimal)random.NextDouble() * 20000m - 10000m, random.Next(5)),
        _ => random.Next(-3, 4),
    };

    [Theory]
    [InlineData("a + b")]
    [InlineData("a - b")]
    [InlineData("a * b")]
    [InlineData("a / b")]
    [InlineData("-a / (b - c) + c * a")]
    [InlineData("min(a, b, c)")]
    [InlineData("max(a, b) - lesser of b and c")]
    [InlineData("clamp(a, b, c)")]
    [InlineData("abs(a) + floor(b) - ceiling(c)")]
    [InlineData("round(a, 0) + round(b, 2) + round(c, 28)")]
    [InlineData("if a < b then a / c else b / c")]
    public void The_scalar_evaluator_and_the_kernels_agree_on_generated_rows(string expression)
    {
        var random = new Random(20261128);
        var names = new[] { new CaseName("a", "number"), new CaseName("b", "number"), new CaseName("c", "number") };
        var rows = Enumerable.Range(0, 3000)
            .Select(i => new CaseRow([Value.Of(Generate(random)), Value.Of(Generate(random)), Value.Of(Generate(random))], default, i))
            .ToList();
        var c = new ExpressionCase("generated", 1, expression, names, null, [], rows);
        var results = ExpressionFileTests.Backends.Select(backend =>
        {
            var bound = backend.Bind(c);
            Assert.Empty(bound.ErrorCodes);
            return (backend.Name, Outcomes: backend.Run(c, bound));
        }).ToList();
        var first = results[0];
        foreach (var other in results.Skip(1))
        {
            var disagreements = Enumerable.Range(0, rows.Count)
                .Where(i => !first.Outcomes[i].Matches(other.Outcomes[i]))
                .Take(5)
                .Select(i => $"a = {rows[i].Values[0]}, b = {rows[i].Values[1]}, c = {rows[i].Values[2]}: {first.Name} {first.Outcomes[i]}, {other.Name} {other.Outcomes[i]}")
                .ToList();
            Assert.True(disagreements.Count == 0, $"{expression}\n" + string.Join("\n", disagreements));
        }
        // The generated rows must reach the problems too, or the test would only compare the easy cases.
        if (expression.Contains('/'))
        {
            Assert.Contains(first.Outcomes, o => o.Problem == RowProblem.DivisionByZero);
        }
        if (expression is "a * b" or "a + b")
        {
            Assert.Contains(first.Outcomes, o => o.Problem == RowProblem.Overflow);
        }
        if (expression.StartsWith("clamp", StringComparison.Ordinal))
        {
            Assert.Contains(first.Outcomes, o => o.Problem == RowProblem.ClampReversed);
        }
    }
}
