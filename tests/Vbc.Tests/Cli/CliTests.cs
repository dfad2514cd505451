using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Cli;

/// <summary>The vbc command as a user meets it: exit codes, messages, and no stack trace for bad input.</summary>
public class CliTests
{
    private static string Temp(string name, string text)
    {
        var dir = Path.Combine(Path.GetTempPath(), "vbc-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void NoStackTrace(CliRunner.Result r)
    {
        Assert.DoesNotContain("   at ", r.Error);
        Assert.DoesNotContain("Exception", r.Error);
        Assert.DoesNotContain("   at ", r.Output);
    }

    [Fact]
    public void Check_exit_codes_are_0_clean_1_errors_2_unreadable()
    {
        var clean = CliRunner.Run("check", "contracts/mssp-basic-a.vbc", "contracts/reach-global.vbc");
        Assert.Equal(0, clean.ExitCode);
        Assert.Equal("", clean.Output);
        Assert.Contains("2 files checked: 0 errors, 0 warnings.", clean.Error);

        var errors = CliRunner.Run("check", "tests/invalid/wrong-units.vbc");
        Assert.Equal(1, errors.ExitCode);
        Assert.Contains("tests/invalid/wrong-units.vbc(21,9): error VBC2007: 'base' must be an amount per member per month", errors.Output);

        var missing = CliRunner.Run("check", "contracts/no-such-contract.vbc");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error);
        NoStackTrace(missing);
    }

    [Fact]
    public void Warnings_fail_the_check_only_when_asked()
    {
        var path = Temp("unused.vbc", "contract \"Unused\" {\n  period: 2024-01-01 to 2024-12-31\n}\n\ninputs {\n  spare: money\n}\n");
        var plain = CliRunner.Run("check", path);
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("warning VBC2028", plain.Output);
        Assert.Equal(1, CliRunner.Run("check", "--warnings-as-errors", path).ExitCode);
    }

    [Fact]
    public void Usage_errors_exit_2_with_a_hint()
    {
        var none = CliRunner.Run("check");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("vbc --help", none.Error);

        var unknown = CliRunner.Run("settle", "contracts/mssp-basic-a.vbc", "--frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        NoStackTrace(unknown);

        var badFormat = CliRunner.Run("settle", "contracts/mssp-basic-a.vbc", "--format", "pdf");
        Assert.Equal(2, badFormat.ExitCode);
    }

    [Fact]
    public void Help_lists_the_commands_and_exit_codes()
    {
        var help = CliRunner.Run("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "check", "fmt", "settle", "generate" })
        {
            Assert.Contains(command, help.Output);
        }
        Assert.Contains("Exit codes", help.Output);
    }

    [Fact]
    public void Settle_names_a_missing_input_and_how_to_give_it()
    {
        var r = CliRunner.Run("settle", "contracts/mssp-enhanced.vbc", "--data", "seeds/members.csv");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error VBC4001: The contract needs the input 'quality_score' (percent). Give it with --input quality_score=", r.Error);
        Assert.Equal("", r.Output);
    }

    [Fact]
    public void Settle_refuses_an_input_the_contract_does_not_declare()
    {
        var r = CliRunner.Run("settle", "contracts/mssp-enhanced.vbc", "--data", "seeds/members.csv", "--input", "quality_score=90%", "--input", "qualty=1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("VBC4006", r.Error);
        Assert.Contains("'qualty'", r.Error);
    }

    [Fact]
    public void Settle_refuses_an_ambiguous_percent_input()
    {
        var r = CliRunner.Run("settle", "contracts/mssp-enhanced.vbc", "--data", "seeds/members.csv", "--input", "quality_score=92");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error VBC4002: The input 'quality_score' is '92', which is not percent. Write it like 92% or 0.92.", r.Error);
    }

    [Fact]
    public void Settle_reports_bad_data_with_file_line_and_column()
    {
        var header = "member_id,member_months,attributed,hospice,outpatient,professional,dialysis\n";
        var data = Temp("members.csv", header + "M1,12,1,0,100.00,200.00,0.00\nM2,13,1,0,abc,200.00,0.00\nM1,12,1,0,1.00,2.00,0.00\n");
        var r = CliRunner.Run("settle", "contracts/partial-capitation.vbc", "--data", data);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("members.csv(3,", r.Error);
        Assert.Contains("member_months", r.Error);
        Assert.Contains("outpatient", r.Error);
        Assert.Contains("M1", r.Error);
        NoStackTrace(r);
    }

    [Fact]
    public void Settle_can_leave_bad_rows_out_and_list_them_with_their_dollars()
    {
        var header = "member_id,member_months,attributed,hospice,outpatient,professional,dialysis\n";
        var data = Temp("members.csv", header + "M1,12,1,0,100.00,200.00,0.00\nM2,12,1,0,abc,250.50,0.00\nM3,12,1,0,10.00,20.00,0.00\n");
        var r = CliRunner.Run("settle", "contracts/partial-capitation.vbc", "--data", data, "--exclude-bad-rows");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("line 3 (row 2, member M2)", r.Output);
        Assert.Contains("$250.50", r.Output);
        // Two members of 12 months at $322.00 PMPM.
        Assert.Contains("$7,728.00", r.Output);
    }

    [Fact]
    public void A_missing_data_file_exits_2()
    {
        var r = CliRunner.Run("settle", "contracts/partial-capitation.vbc", "--data", "seeds/nothing.csv");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.Error);
    }

    [Fact]
    public void Settles_many_organisations_from_an_inputs_file_on_their_own_members()
    {
        var contract = File.ReadAllText(Golden.PathOf("contracts", "mssp-enhanced.vbc"))
            .Replace("data {\n  member_id: id\n", "data {\n  member_id: id\n  organisation_id: text\n");
        var contractPath = Temp("by-organisation.vbc", contract);
        var inputs = Temp("organisations.csv", "organisation_id,quality_score,region\nACO-01,95%,north\nACO-02,80%,south\nACO-03,0.9,east\n");
        var csv = CliRunner.Run("settle", contractPath, "--data", "seeds/members.csv", "--inputs", inputs);
        Assert.True(csv.ExitCode == 0, csv.Error);
        var lines = csv.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("organisation,performance_year,status,total,members,member_months,benchmark,actual,savings_rate,minimum_savings_rate,quality,", lines[0]);
        Assert.StartsWith("ACO-01,2024,settled,", lines[1]);
        Assert.StartsWith("ACO-03,2024,settled,", lines[3]);
        Assert.StartsWith("TOTAL,,total,", lines[4]);
        Assert.Contains("not inputs of the contract (not used): region", csv.Error);

        var json = CliRunner.Run("settle", contractPath, "--data", "seeds/members.csv", "--inputs", inputs, "--format", "json");
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"schema\": \"vbc-statements/2\"", json.Output);
        Assert.Contains("\"organisation\": \"ACO-02\"", json.Output);

        // Each organisation is settled on its own rows: the three populations add up to the whole file.
        using var doc = System.Text.Json.JsonDocument.Parse(json.Output);
        long rows = doc.RootElement.GetProperty("statements").EnumerateArray().Sum(s => s.GetProperty("population").GetProperty("rowsRead").GetInt64());
        Assert.Equal(5000, rows);
    }

    [Fact]
    public void A_performance_year_column_settles_each_row_in_its_year()
    {
        var inputs = Temp("years.csv", "organisation,performance_year,quality_score,participant_revenue\nACO,2024,92%,4000000\nACO,2026,92%,4000000\nACO,20x6,92%,4000000\n");
        var r = CliRunner.Run("settle", "contracts/mssp-glide-path.vbc", "--data", "seeds/members.csv", "--inputs", inputs, "--format", "json");
        Assert.Equal(1, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Output);
        var levels = doc.RootElement.GetProperty("statements").EnumerateArray()
            .Select(s => (s.GetProperty("organisation").GetString(), s.GetProperty("performanceYear").GetInt32(), s.GetProperty("level").GetString()))
            .ToList();
        Assert.Equal(new[] { ("ACO", 2024, "A"), ("ACO", 2026, "C") }, levels.Select(l => (l.Item1!, l.Item2, l.Item3!)));
        // The bad year is reported at its cell of the inputs file, through the catalog (VBC4002).
        Assert.Contains("years.csv(4,5): error VBC4002: The input 'performance_year' is '20x6'", r.Error);
        Assert.Equal(2, CliRunner.Run("settle", "contracts/mssp-glide-path.vbc", "--data", "seeds/members.csv", "--inputs", inputs, "--year", "2025").ExitCode);
    }

    [Fact]
    public void Fmt_check_lists_files_out_of_layout_and_fmt_fixes_them()
    {
        var path = Temp("messy.vbc", "contract   \"Messy\"{\nperiod:2024-01-01 to 2024-12-31}\n");
        var check = CliRunner.Run("fmt", "--check", path);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("not in canonical layout", check.Output);
        Assert.Equal(0, CliRunner.Run("fmt", path).ExitCode);
        Assert.Equal("contract \"Messy\" {\n  period: 2024-01-01 to 2024-12-31\n}\n", File.ReadAllText(path));
        Assert.Equal(0, CliRunner.Run("fmt", "--check", path).ExitCode);
    }

    [Fact]
    public void Fmt_leaves_a_broken_file_alone()
    {
        var text = "contract \"Broken\" {\n  period: 2024-01-01 to\n";
        var path = Temp("broken.vbc", text);
        var r = CliRunner.Run("fmt", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error VBC1", r.Output);
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public void Generate_refuses_bad_options()
    {
        var r = CliRunner.Run("generate", "members", "--members", "-5");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("vbc generate:", r.Error);
    }
}
