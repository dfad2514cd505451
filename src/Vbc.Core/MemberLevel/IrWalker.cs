namespace Vbc.MemberLevel;

/// <summary>Walks the IR's expressions: every backend and tool reads the same nodes in the same order.</summary>
public static class IrWalker
{
    /// <summary>Every expression the program computes per row, in the order the program lists them.</summary>
    public static IEnumerable<IrExpression> Expressions(MemberProgram program)
    {
        foreach (var step in program.Population)
        {
            switch (step)
            {
                case IncludeWhen i:
                    yield return i.Condition;
                    break;
                case ExcludeWhen x:
                    yield return x.Condition;
                    break;
                case ExcludeWithoutMonths m:
                    yield return m.Months;
                    break;
            }
        }
        foreach (var check in program.RowChecks)
        {
            switch (check)
            {
                case Computes c:
                    yield return c.Expression;
                    break;
                case AboveZero a:
                    yield return a.Value;
                    break;
                case CarveOutCheck c:
                    yield return c.Category;
                    foreach (var part in c.Parts)
                    {
                        yield return part.Part;
                    }
                    break;
            }
        }
        foreach (var column in program.Cost.Categories.Concat(program.Cost.CarvedOut))
        {
            yield return column;
        }
        if (program.Id is { } id)
        {
            yield return id;
        }
        if (program.MemberMonths is { } months)
        {
            yield return months;
        }
        foreach (var join in program.Joins)
        {
            yield return join.Column;
        }
    }

    /// <summary>The expression and every expression inside it, parents first.</summary>
    public static IEnumerable<IrExpression> Descendants(IrExpression expression)
    {
        var stack = new Stack<IrExpression>();
        stack.Push(expression);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            var children = e switch
            {
                IrUnary u => new[] { u.Operand },
                IrBinary b => new[] { b.Left, b.Right },
                IrIf i => new[] { i.Condition, i.WhenTrue, i.WhenFalse },
                IrCall c => c.Arguments.ToArray(),
                IrLookup l => new[] { l.Key },
                _ => Array.Empty<IrExpression>(),
            };
            for (int k = children.Length - 1; k >= 0; k--)
            {
                stack.Push(children[k]);
            }
        }
    }

    /// <summary>Every column the program reads (with repeats).</summary>
    public static IEnumerable<IrColumn> Columns(MemberProgram program) =>
        Expressions(program).SelectMany(Descendants).OfType<IrColumn>();
}
