using System.Globalization;
using System.Text;
using Vbc.Data;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

/// <summary>Random tables written with random quoting and line ends read back exactly, whatever the batch size.</summary>
public class CsvRoundTripTests
{
    private static readonly string[] Pieces = { "a", "Z", " ", ",", "\"", "\n", "\r\n", "é", "中", "😀", "x y", "\t", "''", "0" };

    private static string RandomText(Random random)
    {
        var sb = new StringBuilder();
        int n = random.Next(0, 6);
        for (int i = 0; i < n; i++)
        {
            sb.Append(Pieces[random.Next(Pieces.Length)]);
        }
        return sb.ToString();
    }

    private static string Field(string value, bool forceQuote)
    {
        bool mustQuote = value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 || value.StartsWith(' ') || value.EndsWith(' ');
        return mustQuote || forceQuote ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    [Theory]
    [InlineData(1, 40, 3)]
    [InlineData(2, 300, 1)]
    [InlineData(3, 3000, 17)]
    [InlineData(4, 25_000, 4096)]
    public void Random_tables_round_trip(int seed, int rows, int batchSize)
    {
        var random = new Random(seed);
        var specs = new[] { Specs.Id(), Specs.Money("cost"), Specs.Of("note", ValueType.Text), Specs.Of("flag", ValueType.Flag), Specs.Of("day", ValueType.Date) };
        var sb = new StringBuilder();
        string Eol() => random.Next(3) == 0 ? "\r\n" : "\n";
        sb.Append("member_id,cost,note,flag,day,ignored").Append(Eol());
        long line = 2;
        var ids = new List<string>();
        var costs = new List<decimal>();
        var notes = new List<string>();
        var flags = new List<bool>();
        var days = new List<DateOnly>();
        var lines = new List<long>();
        for (int i = 0; i < rows; i++)
        {
            if (random.Next(50) == 0)
            {
                sb.Append(Eol()); // a blank line
                line++;
            }
            string id = "M" + i + (random.Next(4) == 0 ? ",\"x\"" : "");
            decimal cost = new decimal(random.Next(), random.Next(10), 0, random.Next(2) == 0, (byte)random.Next(0, 5));
            string note = RandomText(random);
            bool flag = random.Next(2) == 0;
            var day = new DateOnly(2000, 1, 1).AddDays(random.Next(9000));
            string ignored = RandomText(random);
            string costText = cost.ToString(CultureInfo.InvariantCulture);
            if (random.Next(3) == 0 && cost >= 1000)
            {
                costText = "$" + cost.ToString("#,##0.#####", CultureInfo.InvariantCulture);
            }
            var row = string.Join(",",
                Field(id, random.Next(5) == 0), Field(costText, random.Next(5) == 0), Field(note, random.Next(5) == 0),
                Field(flag ? "yes" : "N", false), Field(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), random.Next(5) == 0), Field(ignored, false));
            bool last = i == rows - 1;
            sb.Append(row);
            if (!last || random.Next(2) == 0)
            {
                sb.Append(Eol());
            }
            ids.Add(id);
            costs.Add(cost);
            notes.Add(note.Trim(' ', '\t'));
            flags.Add(flag);
            days.Add(day);
            lines.Add(line);
            line += 1 + row.Count(c => c == '\n');
        }

        var read = Read.Text(sb.ToString(), specs, new MemberReadOptions { BatchSize = batchSize }, bom: seed % 2 == 0);
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(ids, read.Texts(0));
        Assert.Equal(costs, read.Decimals(1));
        Assert.Equal(notes, read.Texts(2));
        Assert.Equal(flags, read.Flags(3));
        Assert.Equal(days, read.Dates(4));
        Assert.Equal(lines, read.Lines);
        Assert.Equal(costs.Sum(), read.Decimals(1).Sum());
        Assert.Equal(new[] { "ignored" }, read.Result.IgnoredColumns);
    }

    [Fact]
    public void Recycled_batches_hold_the_same_values()
    {
        var sb = new StringBuilder("member_id,cost,flag\n");
        for (int i = 0; i < 5000; i++)
        {
            sb.Append('M').Append(i).Append(',').Append(i).Append(".25,").Append(i % 3 == 0 ? "y" : "n").Append('\n');
        }
        using var file = TempFile.WithText(sb.ToString());
        var specs = new[] { Specs.Id(), Specs.Money("cost"), Specs.Of("flag", ValueType.Flag) };
        using var reader = CsvMemberReader.Open(file.Path, specs, new MemberReadOptions { BatchSize = 100, RecycleBatches = true });
        decimal total = 0m;
        int flagged = 0;
        var seen = new List<string>();
        foreach (var batch in reader.ReadBatches())
        {
            for (int i = 0; i < batch.RowCount; i++)
            {
                total += batch.Decimals(1)[i];
                flagged += batch.Flags(2)[i] ? 1 : 0;
                seen.Add(batch.Texts(0)[i]);
            }
        }
        Assert.Equal(Enumerable.Range(0, 5000).Sum(i => i + 0.25m), total);
        Assert.Equal(1667, flagged);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => "M" + i), seen);
    }
}
