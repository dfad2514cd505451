using System.Text;
using Vbc.Data;

namespace Vbc.Tests.Data;

public class CsvSyntaxTests
{
    /// <summary>Every field of a row, split with room for all of them.</summary>
    private static List<string> AllFields(string row)
    {
        var bytes = Encoding.UTF8.GetBytes(row);
        var fields = new FieldRef[bytes.Length + 1];
        int n = CsvSyntax.SplitFields(bytes, fields);
        return fields.Take(n).Select(f => Encoding.UTF8.GetString(bytes, f.Start, f.End - f.Start)).ToList();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(26)]
    [InlineData(40)]
    public void Room_for_fewer_fields_stores_the_first_ones_and_counts_them_all(int room)
    {
        // Rows of every length around the 16- and 32-byte blocks the splitter reads at once, with and without quotes
        // (a quoted comma after the fields stored must not be counted).
        var rows = new List<string>();
        for (int fields = 1; fields <= 30; fields++)
        {
            for (int width = 0; width <= 4; width++)
            {
                var cells = Enumerable.Range(0, fields).Select(i => new string((char)('a' + (i % 26)), (i * 7 + width) % 5)).ToArray();
                rows.Add(string.Join(',', cells));
                var quoted = (string[])cells.Clone();
                quoted[fields - 1] = "\"x,y\"\"z\"";
                rows.Add(string.Join(',', quoted));
            }
        }
        foreach (string row in rows)
        {
            var expected = AllFields(row);
            var bytes = Encoding.UTF8.GetBytes(row);
            var fields = new FieldRef[room];
            int n = CsvSyntax.SplitFields(bytes, fields);
            Assert.True(expected.Count == n, $"{row}: {n} fields, expected {expected.Count}");
            for (int i = 0; i < Math.Min(room, n); i++)
            {
                Assert.Equal(expected[i], Encoding.UTF8.GetString(bytes, fields[i].Start, fields[i].End - fields[i].Start));
            }
        }
    }
}
