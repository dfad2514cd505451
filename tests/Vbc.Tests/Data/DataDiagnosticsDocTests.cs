using System.Reflection;
using Vbc.Data;
using Vbc.Diagnostics;

namespace Vbc.Tests.Data;

public class DataDiagnosticsDocTests
{
    private static object? Dummy(Type type) =>
        type == typeof(string) ? "x"
        : type == typeof(long) ? 1L
        : type == typeof(int) ? 1
        : type == typeof(decimal) || type == typeof(decimal?) ? 1m
        : type == typeof(bool) ? false
        : type == typeof(Severity) ? Severity.Error
        : type == typeof(IReadOnlyList<string>) ? new[] { "a" }
        : type == typeof(IReadOnlyList<(string, long, decimal)>) ? new[] { ("a", 1L, 1m) }
        : throw new InvalidOperationException($"No dummy for {type}");

    private static List<(string Method, Diagnostic Diagnostic)> All() =>
        typeof(DataDiagnostics).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(Diagnostic))
            .Select(m => (m.Name, (Diagnostic)m.Invoke(null, m.GetParameters().Select(p => Dummy(p.ParameterType)).ToArray())!))
            .ToList();

    [Fact]
    public void Each_code_has_one_factory_in_the_data_range()
    {
        var all = All();
        Assert.True(all.Count >= 23);
        Assert.All(all, x => Assert.Matches("^VBC30[0-9][0-9]$", x.Diagnostic.Code));
        Assert.Equal(all.Count, all.Select(x => x.Diagnostic.Code).Distinct().Count());
    }

    [Fact]
    public void Each_code_is_documented()
    {
        string doc = File.ReadAllText(Vbc.Tests.Infrastructure.Golden.PathOf("docs", "diagnostics.md"));
        foreach (var (method, diagnostic) in All())
        {
            Assert.True(doc.Contains($"## {diagnostic.Code}:", StringComparison.Ordinal), $"{diagnostic.Code} ({method}) has no section in docs/diagnostics.md");
        }
    }
}
