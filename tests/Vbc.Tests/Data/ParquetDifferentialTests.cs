using System.Text.RegularExpressions;
using Vbc.Data;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Examples;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Data;

/// <summary>
/// The same data gives the same statement from CSV and from Parquet: every example contract settled with the command
/// in its header, then with each data file converted to Parquet (<see cref="ParquetMemberWriter"/>), must print the
/// same statement apart from the file's name and hash. And `vbc generate --format parquet` writes the population the
/// CSV generator writes, to the cent.
/// </summary>
public sealed partial class ParquetDifferentialTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"vbc-parquet-{Guid.NewGuid():N}");

    public ParquetDifferentialTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> SettledExamples() => ExampleContractTests.SettledExamples();

    [Theory]
    [MemberData(nameof(SettledExamples))]
    public void Every_example_settles_the_same_from_parquet(string contract)
    {
        var args = ExampleContractTests.SettleCommandOf(contract);
        var bound = Binder.Bind(ContractParser.ParseFile(Golden.PathOf(contract)));
        var converted = args.ToArray();
        var renames = new List<(string Parquet, string Csv)>();
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] != "--data")
            {
                continue;
            }
            string value = args[i + 1];
            int eq = value.IndexOf('=');
            string? table = eq > 0 ? value[..eq] : null;
            string csv = eq > 0 ? value[(eq + 1)..] : value;
            string parquet = Path.Combine(_folder, Path.GetFileNameWithoutExtension(csv) + ".parquet");
            Convert(Golden.PathOf(csv), table is null ? bound.Columns : bound.Tables.Single(t => t.Name == table).Columns, parquet);
            converted[i + 1] = table is null ? parquet : $"{table}={parquet}";
            renames.Add((parquet, csv));
        }
        Assert.NotEmpty(renames);

        foreach (var format in new[] { "text", "json" })
        {
            var fromCsv = CliRunner.Run(args.Concat(new[] { "--format", format }).ToArray());
            var fromParquet = CliRunner.Run(converted.Concat(new[] { "--format", format }).ToArray());
            Assert.True(fromParquet.ExitCode == 0, $"exit {fromParquet.ExitCode}\n{fromParquet.Error}");
            Assert.Equal(fromCsv.Error, fromParquet.Error);
            Assert.Equal(Normalise(fromCsv.Output, renames, toCsv: false), Normalise(fromParquet.Output, renames, toCsv: true));
        }
    }

    [Theory]
    [InlineData("members", "contracts/mssp-basic-e.vbc", "--input quality_score=92% --input participant_revenue=4000000")]
    [InlineData("episodes", "contracts/bundle-bpci.vbc", "--input quality_score=85%")]
    public void Generate_writes_the_same_population_as_parquet(string what, string contract, string inputs)
    {
        string csv = Path.Combine(_folder, what + ".csv"), parquet = Path.Combine(_folder, what + ".parquet");
        string[] size = what == "members" ? new[] { "--members", "3000", "--cost-factor", "0.95" } : new[] { "--episodes", "1500" };
        foreach (var (file, format) in new[] { (csv, "csv"), (parquet, "parquet") })
        {
            var generated = CliRunner.Run(new[] { "generate", what, "--seed", "11", "--out", file, "--format", format }.Concat(size).ToArray());
            Assert.True(generated.ExitCode == 0, generated.Error);
        }
        Assert.Equal(DataFormat.Parquet, DataFormats.Detect(parquet));
        Assert.True(new FileInfo(parquet).Length < new FileInfo(csv).Length);

        var fromCsv = CliRunner.Run(new[] { "settle", contract, "--data", csv }.Concat(CliRunner.Split(inputs)).ToArray());
        var fromParquet = CliRunner.Run(new[] { "settle", contract, "--data", parquet }.Concat(CliRunner.Split(inputs)).ToArray());
        Assert.True(fromCsv.ExitCode == 0 && fromParquet.ExitCode == 0, fromCsv.Error + fromParquet.Error);
        Assert.Contains("TOTAL", fromCsv.Output);
        var renames = new[] { (parquet, csv) };
        Assert.Equal(Normalise(fromCsv.Output, renames, toCsv: false), Normalise(fromParquet.Output, renames, toCsv: true));
    }

    [Fact]
    public void Parquet_format_needs_an_out_file()
    {
        var result = CliRunner.Run("generate", "members", "--members", "10", "--format", "parquet");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--format parquet writes a file", result.Error);
    }

    /// <summary>Writes every column of the CSV file: the contract's with their types, the others (ignored by the contract) as text.</summary>
    internal static void Convert(string csv, IReadOnlyList<ColumnSymbol> columns, string parquet)
    {
        IReadOnlyList<string> header;
        using (var reader = CsvMemberReader.Open(csv, Array.Empty<ColumnSpec>()))
        {
            header = reader.FileColumns.ToList();
        }
        var specs = header.Select(name => columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } c
            ? ColumnSpec.From(c)
            : new ColumnSpec(name, Vbc.Semantics.ValueType.Text, false)).ToList();
        var problems = ParquetMemberWriter.FromCsv(csv, specs, parquet);
        Assert.False(problems.Any(d => d.IsError), string.Join("\n", problems));
    }

    /// <summary>The statement without what must differ: the data file's name and its SHA-256.</summary>
    private static string Normalise(string statement, IEnumerable<(string Parquet, string Csv)> renames, bool toCsv)
    {
        if (toCsv)
        {
            foreach (var (parquet, csv) in renames)
            {
                statement = statement.Replace(parquet, csv, StringComparison.Ordinal);
            }
        }
        return Sha256().Replace(statement, "<sha256>");
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex Sha256();
}
