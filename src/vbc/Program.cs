using Vbc.Parsing;
using Vbc.Semantics;

namespace Vbc.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        int exit = 0;
        foreach (var file in args)
        {
            var parsed = ContractParser.ParseFile(file);
            var bound = Binder.Bind(parsed);
            foreach (var d in bound.Diagnostics)
            {
                Console.WriteLine(d);
            }
            if (bound.HasErrors)
            {
                exit = 1;
            }
        }
        return exit;
    }
}
