using Vbc.Data;
using Vbc.Diagnostics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

public class ClaimsAggregatorTests
{
    private const string Claims =
        "member_id,category,amount\n" +
        "A,inpatient,0.1\n" +
        "A,Inpatient,0.2\n" +
        "A,pharmacy,\"$1,000.00\"\n" +
        "B,inpatient,-5\n" +
        "B,dental,40.25\n" +
        "Z,pharmacy,7.5\n" +
        "Z,inpatient,2.5\n" +
        "C,DENTAL,9.75\n" +
        "C,vision,1\n";

    private static readonly string[] Categories = { "inpatient", "pharmacy", "outpatient" };

    private static ClaimsTotals Aggregate(string csv, ClaimsOptions? options = null)
    {
        using var file = TempFile.WithText(csv);
        return ClaimsAggregator.Aggregate(file.Path, Categories, (options ?? new ClaimsOptions()) with { DisplayName = "claims.csv" });
    }

    [Fact]
    public void Sums_per_member_and_category_exactly()
    {
        var totals = Aggregate(Claims);
        Assert.Equal(9, totals.RowsRead);
        Assert.Equal(3, totals.MemberCount); // A, B, Z (C has only undeclared categories)
        Assert.Equal(0.3m, totals.Amount("A", "inpatient"));
        Assert.Equal(1000.00m, totals.Amount("A", "PHARMACY"));
        Assert.Equal(-5m, totals.Amount("B", "inpatient"));
        Assert.Equal(0m, totals.Amount("B", "outpatient"));
        Assert.Equal(0m, totals.Amount("nobody", "inpatient"));
        Assert.True(totals.TryFindMember("A", out int a));
        Assert.Equal(2, totals.ClaimCount(a, 0));

        Assert.Equal(new[]
        {
            new CategoryTotal("inpatient", 4, -2.2m),
            new CategoryTotal("pharmacy", 2, 1007.5m),
            new CategoryTotal("outpatient", 0, 0m),
        }, totals.ByCategory);
    }

    [Fact]
    public void Undeclared_categories_are_totalled_not_dropped()
    {
        var totals = Aggregate(Claims);
        Assert.Equal(new[] { new CategoryTotal("dental", 2, 50.00m), new CategoryTotal("vision", 1, 1m) }, totals.UnknownCategories);
        var d = Assert.Single(totals.Diagnostics, x => x.Code == "VBC3019");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Contains("3 claims ($51.00)", d.Message);
        Assert.Contains("'dental' (2, $50.00)", d.Message);
        Assert.False(totals.HasErrors);
    }

    [Fact]
    public void Fills_missing_money_columns_and_reports_claims_of_unknown_members()
    {
        var totals = Aggregate(Claims);
        var specs = new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Money("pharmacy"), Specs.Money("outpatient"), Specs.Of("mm", ValueType.MemberMonths) };
        var read = Read.Text("member_id,mm,outpatient\nA,12,1.5\nB,12,0\nC,6,2\nD,12,0\n", specs, new MemberReadOptions { Claims = totals });

        Assert.False(read.Result.HasErrors);
        Assert.Equal(new[] { "inpatient", "pharmacy" }, read.Result.ColumnsFromClaims);
        Assert.Equal(new[] { 0.3m, -5m, 0m, 0m }, read.Decimals(1));
        Assert.Equal(new[] { 1000.00m, 0m, 0m, 0m }, read.Decimals(2));
        Assert.Equal(new[] { 1.5m, 0m, 2m, 0m }, read.Decimals(3));

        var left = read.Result.ClaimsWithoutMember!;
        Assert.Equal(1, left.Members);
        Assert.Equal(2, left.Claims);
        Assert.Equal(10m, left.Dollars);
        Assert.Equal(new[] { new CategoryTotal("inpatient", 1, 2.5m), new CategoryTotal("pharmacy", 1, 7.5m), new CategoryTotal("outpatient", 0, 0m) }, left.ByCategory);
        var d = read.Single("VBC3020");
        Assert.Contains("2 claims ($10.00) for 1 member id", d.Message);

        // Conservation: every claims dollar is in a delivered row, an unknown member, or an unknown category.
        decimal delivered = read.Decimals(1).Sum() + read.Decimals(2).Sum();
        Assert.Equal(totals.ByCategory.Sum(c => c.Dollars), delivered + left.Dollars);
    }

    [Fact]
    public void A_money_column_in_both_sources_is_an_error()
    {
        var totals = Aggregate(Claims);
        var read = Read.Text("member_id,inpatient\nA,1\n", new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Money("pharmacy") },
            new MemberReadOptions { Claims = totals });
        var d = read.Single("VBC3017");
        Assert.Contains("'inpatient'", d.Message);
        Assert.Contains("4 claims", d.Message);
        Assert.Empty(read.Batches);
    }

    [Fact]
    public void A_declared_category_without_claims_may_stay_in_the_member_file()
    {
        var totals = Aggregate(Claims);
        var read = Read.Text("member_id,outpatient\nA,1\n", new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Money("outpatient") },
            new MemberReadOptions { Claims = totals });
        Assert.DoesNotContain(read.Result.Diagnostics, d => d.IsError);
        Assert.Equal(new[] { 1m }, read.Decimals(2));
        Assert.Equal(new[] { 0.3m }, read.Decimals(1));
    }

    [Fact]
    public void Claims_need_the_member_id_column()
    {
        var totals = Aggregate(Claims);
        var read = Read.Text("x,outpatient\nA,1\n", new[] { Specs.Money("inpatient"), Specs.Money("outpatient") }, new MemberReadOptions { Claims = totals });
        Assert.Contains("'inpatient'", read.Single("VBC3022").Message);
    }

    [Fact]
    public void Bad_member_rows_carry_their_claims_dollars()
    {
        var totals = Aggregate(Claims);
        var specs = new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Money("pharmacy"), Specs.Of("mm", ValueType.MemberMonths) };
        var read = Read.Text("member_id,mm\nA,14\nB,12\n", specs, new MemberReadOptions { Claims = totals, BadRows = BadRowPolicy.ExcludeBadRows });
        var bad = Assert.Single(read.Result.BadRows);
        Assert.Equal("A", bad.MemberId);
        Assert.Equal(1000.3m, bad.Dollars);
        Assert.Equal(10m, read.Result.ClaimsWithoutMember!.Dollars); // Z only: A's claims are accounted in the bad row
    }

    [Fact]
    public void Same_strictness_as_member_files()
    {
        var totals = Aggregate("member_id,category,amount\nA,inpatient,12x\n,inpatient,1\nB,,2\nC,inpatient\n");
        Assert.True(totals.HasErrors);
        Assert.Equal(new[] { "VBC3012", "VBC3011", "VBC3011", "VBC3007" }, totals.Diagnostics.Select(d => d.Code));
        Assert.Equal(new[] { 2, 3, 4, 5 }, totals.Diagnostics.Select(d => d.Location.Line));
        Assert.Contains("column 'member_id'", totals.Diagnostics[1].Message);
        Assert.Contains("column 'category'", totals.Diagnostics[2].Message);
    }

    [Fact]
    public void Bad_claims_are_excluded_with_their_dollars_when_asked()
    {
        var totals = Aggregate("member_id,category,amount\nA,inpatient,12\n,inpatient,1.25\n", new ClaimsOptions { BadRows = BadRowPolicy.ExcludeBadRows });
        Assert.False(totals.HasErrors);
        var bad = Assert.Single(totals.BadRows);
        Assert.Equal(1.25m, bad.Dollars);
        Assert.Equal(12m, totals.Amount("A", "inpatient"));
    }

    [Fact]
    public void Header_names_are_configurable()
    {
        using var file = TempFile.WithText("MBR,Service Type,Paid\nA,pharmacy,3\n");
        var totals = ClaimsAggregator.Aggregate(file.Path, Categories, new ClaimsOptions { MemberIdColumn = "mbr", CategoryColumn = "service type", AmountColumn = "paid" });
        Assert.Empty(totals.Diagnostics);
        Assert.Equal(3m, totals.Amount("A", "pharmacy"));

        var missing = ClaimsAggregator.Aggregate(file.Path, Categories);
        Assert.Equal(3, missing.Diagnostics.Count(d => d.Code == "VBC3006"));
    }

    [Fact]
    public void Categories_can_come_from_the_contract_columns()
    {
        using var file = TempFile.WithText("member_id,category,amount\nA,snf,3\nA,risk,1\n");
        var specs = new[] { Specs.Id(), Specs.Money("snf"), Specs.Of("risk", ValueType.Ratio) };
        var totals = ClaimsAggregator.Aggregate(file.Path, specs);
        Assert.Equal(new[] { "snf" }, totals.Categories);
        Assert.Equal(3m, totals.Amount("A", "snf"));
        Assert.Equal("risk", Assert.Single(totals.UnknownCategories).Category);
    }
}
