using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Language;

/// <summary>Several tables in one contract: declared, joined by member id, each clause over one table (issue 7, item 1).</summary>
public class DataTableTests
{
    private const string Contract = """
        contract "Episodes with member quality" {
          period: 2024-01-01 to 2024-12-31
        }

        data members {
          member_id: id
          hba1c_num: count
          hba1c_den: count
        }

        data episodes {
          episode_id: id
          member_id: id of members
          episode_type: text
          episode_cost: money
        }

        quality {
          measure diabetes_control {
            numerator: hba1c_num
            denominator: hba1c_den
          }
        }

        bundle "Clinical episodes" {
          table: episodes
          episode type: episode_type
          target price: by episode_type {
            "CHF": $20,000.00
          }
          actual cost: episode_cost
          quality adjustment: 10% * (100% - quality_composite)
        }

        """;

    private static BoundContract Bind(string text) => Binder.Bind(ContractParser.Parse(text, "tables.vbc"));

    [Fact]
    public void Two_tables_joined_by_member_id_check_clean_and_each_clause_knows_its_table()
    {
        var bound = Bind(Contract);
        Assert.Empty(bound.Diagnostics);
        Assert.Equal(new[] { "members", "episodes" }, bound.Tables.Select(t => t.Name));
        var episodes = bound.Tables[1];
        Assert.Equal("episode_id", episodes.IdColumn!.Name);
        var join = Assert.Single(episodes.Joins);
        Assert.Equal(("member_id", "members"), (join.Name, join.JoinsTo!));
        Assert.Equal("member_id", bound.Tables[0].IdColumn!.Name);
        // member_id is declared once (the members' id); the join column shares its name.
        Assert.Single(bound.Columns, c => c.Name == "member_id");
        Assert.Equal("members", bound.Clauses.Single(c => c.Kind.Keyword == "quality").Children.Single().DataTable);
        Assert.Equal("episodes", bound.Clauses.Single(c => c.Kind.Keyword == "bundle").DataTable);
    }

    [Fact]
    public void A_clause_without_table_reads_the_table_of_its_columns()
    {
        var bound = Bind(Contract.Replace("  table: episodes\n", ""));
        Assert.Empty(bound.Diagnostics);
        Assert.Equal("episodes", bound.Clauses.Single(c => c.Kind.Keyword == "bundle").DataTable);
    }

    [Fact]
    public void A_join_column_with_a_name_of_its_own_is_a_column_of_its_table()
    {
        var bound = Bind(Contract.Replace("  member_id: id of members\n", "  patient: id of members\n"));
        Assert.Empty(bound.Diagnostics);
        var patient = Assert.Single(bound.Columns, c => c.Name == "patient");
        Assert.Equal(("episodes", "members"), (patient.Table, patient.JoinsTo!));
        Assert.False(patient.IsId);
    }

    [Fact]
    public void A_single_unnamed_data_block_is_one_table_as_before()
    {
        var bound = Bind(File.ReadAllText(Golden.PathOf("contracts", "bundle-bpci.vbc")));
        Assert.False(bound.HasErrors);
        var table = Assert.Single(bound.Tables);
        Assert.Equal((DataTable.DefaultName, false), (table.Name, table.Named));
        Assert.Equal(DataTable.DefaultName, bound.Clauses.Single(c => c.Kind.Keyword == "bundle").DataTable);
    }

    [Fact]
    public void Formatting_keeps_named_tables_and_joins()
    {
        var parsed = ContractParser.Parse(Contract, "tables.vbc");
        var once = ContractFormatter.Format(parsed);
        Assert.Equal(Contract, once);
        Assert.Equal(once, ContractFormatter.Format(ContractParser.Parse(once, "tables.vbc")));
    }

    [Fact]
    public void Settling_several_tables_is_refused_with_a_positioned_error_not_read_as_one_table()
    {
        var dir = Directory.CreateTempSubdirectory("vbc-tables-");
        try
        {
            var path = Path.Combine(dir.FullName, "tables.vbc");
            File.WriteAllText(path, Contract);
            var run = CliRunner.Run("settle", path, "--data", Golden.PathOf("seeds", "episodes.csv"));
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("tables.vbc(11,1): error VBC4045", run.Output + run.Error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
