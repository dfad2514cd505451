using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Cli;

/// <summary><c>vbc settle --data TABLE=FILE</c>: a contract that names its table takes its file by that name.</summary>
public sealed class SettleTablesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("vbc-settle-tables-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly string Episodes = Golden.PathOf("seeds", "episodes.csv");

    /// <summary>contracts/bundle-bpci.vbc with its data block named 'episodes', written beside the test.</summary>
    private string NamedBundle()
    {
        var text = File.ReadAllText(Golden.PathOf("contracts", "bundle-bpci.vbc")).Replace("\ndata {\n", "\ndata episodes {\n");
        Assert.Contains("data episodes {", text);
        var path = Path.Combine(_dir.FullName, "bundle-bpci.vbc");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_named_table_given_as_table_equals_file_settles_to_the_same_amounts_as_the_unnamed_one()
    {
        var named = CliRunner.Run("settle", NamedBundle(), "--data", $"episodes={Episodes}", "--input", "quality_score=85%", "--format", "json");
        var plain = CliRunner.Run("settle", "contracts/bundle-bpci.vbc", "--data", "seeds/episodes.csv", "--input", "quality_score=85%", "--format", "json");
        Assert.True(named.ExitCode == 0, named.Error);
        Assert.True(plain.ExitCode == 0, plain.Error);
        static string Amounts(string json) =>
            string.Join("\n", json.Split('\n').Where(l => l.Contains("\"amount\"", StringComparison.Ordinal) || l.Contains("\"total\"", StringComparison.Ordinal)));
        Assert.NotEmpty(Amounts(plain.Output));
        Assert.Equal(Amounts(plain.Output), Amounts(named.Output));
    }

    [Fact]
    public void A_table_the_contract_does_not_declare_is_a_usage_error_with_the_nearest_name()
    {
        var run = CliRunner.Run("settle", NamedBundle(), "--data", $"episode={Episodes}", "--input", "quality_score=85%");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("declares no table 'episode'. Did you mean 'episodes'? Its tables: episodes.", run.Error);
    }

    [Fact]
    public void A_table_name_for_an_unnamed_data_block_says_to_give_the_file_alone()
    {
        var run = CliRunner.Run("settle", "contracts/bundle-bpci.vbc", "--data", "episodes=seeds/episodes.csv", "--input", "quality_score=85%");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("its one 'data' block has no name, so give its file as --data FILE", run.Error);
    }

    [Fact]
    public void A_table_given_twice_is_a_usage_error()
    {
        var run = CliRunner.Run("settle", NamedBundle(), "--data", $"episodes={Episodes}", "--data", $"episodes={Episodes}", "--input", "quality_score=85%");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--data episodes=... is given twice", run.Error);
    }

    [Fact]
    public void Several_data_files_without_table_names_are_a_usage_error()
    {
        var run = CliRunner.Run("settle", NamedBundle(), "--data", Episodes, "--data", Episodes, "--input", "quality_score=85%");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("give each as TABLE=FILE", run.Error);
    }

    [Fact]
    public void A_missing_file_for_a_second_table_names_the_table()
    {
        var run = CliRunner.Run("settle", NamedBundle(), "--data", $"episodes={Episodes}", "--data", "members=no-such-file.csv");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cannot read the 'members' table file 'no-such-file.csv'", run.Error);
    }
}
