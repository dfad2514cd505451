using System.Globalization;
using Vbc.Data;
using Vbc.Evaluation;
using Vbc.MemberLevel;
using Vbc.Operators;
using OperatorProblem = Vbc.Operators.RowProblem;
using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.MemberStage;

/// <summary>
/// The result of a kernel over one batch: one typed array (or one value for every row), and per row the number of
/// the problem met (0 when none). A per-row problem only matters for rows that end up in the population.
/// </summary>
internal sealed class Vector
{
    public decimal[]? Numbers;
    public bool[]? Flags;
    public string[]? Texts;
    public DateOnly[]? Dates;
    public bool IsScalar;
    public Value Scalar;
    public int[]? Errors;

    public decimal NumberAt(int i) => IsScalar ? Scalar.Number : Numbers![i];

    public bool FlagAt(int i) => IsScalar ? Scalar.Flag : Flags![i];

    public string TextAt(int i) => IsScalar ? Scalar.Text : Texts![i];

    public DateOnly DateAt(int i) => IsScalar ? Scalar.Date : Dates![i];

    public int ErrorAt(int i) => Errors is null ? 0 : Errors[i];

    public static Vector Of(Value value) => new() { IsScalar = true, Scalar = value };
}

/// <summary>
/// A per-member expression compiled once per run into a tree of column-at-a-time operations. Each kernel owns its
/// output buffers, so one compiled tree serves one worker thread. Per element, every kernel calls the operator's
/// definition (<see cref="Arithmetic"/>, <see cref="Comparison"/>), as the scalar evaluator does: a kernel only loops.
/// </summary>
internal abstract class Kernel
{
    public abstract Vector Evaluate(ColumnBatch batch);

    protected static T[] Buffer<T>(ref T[]? buffer, int n)
    {
        if (buffer is null || buffer.Length < n)
        {
            buffer = new T[Math.Max(n, 1024)];
        }
        return buffer;
    }

    /// <summary>Row problems of two operands: the first one found on each row.</summary>
    protected static int[]? Merge(ref int[]? buffer, int n, int[]? a, int[]? b)
    {
        if (a is null && b is null)
        {
            return null;
        }
        var result = Buffer(ref buffer, n);
        for (int i = 0; i < n; i++)
        {
            result[i] = a is not null && a[i] != 0 ? a[i] : b is not null ? b[i] : 0;
        }
        return result;
    }
}

internal sealed class ScalarKernel : Kernel
{
    private readonly Vector _vector;

    public ScalarKernel(Value value) => _vector = Vector.Of(value);

    public override Vector Evaluate(ColumnBatch batch) => _vector;
}

internal sealed class ColumnKernel : Kernel
{
    private readonly int _column;
    private readonly ColumnStorage _storage;
    private readonly Vector _vector = new();

    public ColumnKernel(int column, ColumnStorage storage)
    {
        _column = column;
        _storage = storage;
    }

    public override Vector Evaluate(ColumnBatch batch)
    {
        switch (_storage)
        {
            case ColumnStorage.Decimal: _vector.Numbers = batch.Decimals(_column); break;
            case ColumnStorage.Flag: _vector.Flags = batch.Flags(_column); break;
            case ColumnStorage.Text: _vector.Texts = batch.Texts(_column); break;
            default: _vector.Dates = batch.Dates(_column); break;
        }
        return _vector;
    }
}

internal sealed class ArithmeticKernel : Kernel
{
    private readonly BinaryOperator _op;
    private readonly Kernel _left;
    private readonly Kernel _right;
    private readonly int _divisionProblem;
    private decimal[]? _out;
    private int[]? _errors;
    private readonly Vector _vector = new();

    private readonly int _overflowProblem;

    public ArithmeticKernel(BinaryOperator op, Kernel left, Kernel right, int divisionProblem, int overflowProblem)
    {
        _op = op;
        _left = left;
        _right = right;
        _divisionProblem = divisionProblem;
        _overflowProblem = overflowProblem;
    }

    public override Vector Evaluate(ColumnBatch batch)
    {
        int n = batch.RowCount;
        var a = _left.Evaluate(batch);
        var b = _right.Evaluate(batch);
        var result = Buffer(ref _out, n);
        var errors = Merge(ref _errors, n, a.Errors, b.Errors);
        try
        {
            errors = Compute(a, b, result, errors, n);
        }
        catch (OverflowException)
        {
            // A result beyond decimal on some row: do the batch again row by row, marking the rows that overflow.
            errors = ComputeRowByRow(a, b, result, errors, n);
        }
        _vector.Numbers = result;
        _vector.Errors = errors;
        return _vector;
    }

    private int[]? ComputeRowByRow(Vector a, Vector b, decimal[] result, int[]? errors, int n)
    {
        for (int i = 0; i < n; i++)
        {
            decimal x = a.NumberAt(i), y = b.NumberAt(i);
            int problem = 0;
            try
            {
                var rowProblem = OperatorProblem.None;
                result[i] = _op switch
                {
                    BinaryOperator.Add => Arithmetic.Add(x, y),
                    BinaryOperator.Subtract => Arithmetic.Subtract(x, y),
                    BinaryOperator.Divide => Arithmetic.Divide(x, y, ref rowProblem),
                    _ => Arithmetic.Multiply(x, y),
                };
                if (rowProblem == OperatorProblem.DivisionByZero)
                {
                    problem = _divisionProblem;
                }
            }
            catch (OverflowException)
            {
                result[i] = 0;
                problem = _overflowProblem;
            }
            if (problem != 0)
            {
                errors ??= NewErrors(n);
                if (errors[i] == 0)
                {
                    errors[i] = problem;
                }
            }
        }
        return errors;
    }

    private int[]? Compute(Vector a, Vector b, decimal[] result, int[]? errors, int n)
    {
        switch (_op)
        {
            case BinaryOperator.Add:
                if (!a.IsScalar && !b.IsScalar)
                {
                    var x = a.Numbers!;
                    var y = b.Numbers!;
                    for (int i = 0; i < n; i++)
                    {
                        result[i] = Arithmetic.Add(x[i], y[i]);
                    }
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        result[i] = Arithmetic.Add(a.NumberAt(i), b.NumberAt(i));
                    }
                }
                break;
            case BinaryOperator.Subtract:
                if (!a.IsScalar && !b.IsScalar)
                {
                    var x = a.Numbers!;
                    var y = b.Numbers!;
                    for (int i = 0; i < n; i++)
                    {
                        result[i] = Arithmetic.Subtract(x[i], y[i]);
                    }
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        result[i] = Arithmetic.Subtract(a.NumberAt(i), b.NumberAt(i));
                    }
                }
                break;
            case BinaryOperator.Divide:
                for (int i = 0; i < n; i++)
                {
                    var problem = OperatorProblem.None;
                    result[i] = Arithmetic.Divide(a.NumberAt(i), b.NumberAt(i), ref problem);
                    if (problem != OperatorProblem.None)
                    {
                        errors ??= NewErrors(n);
                        if (errors[i] == 0)
                        {
                            errors[i] = _divisionProblem;
                        }
                    }
                }
                break;
            default:
                for (int i = 0; i < n; i++)
                {
                    result[i] = Arithmetic.Multiply(a.NumberAt(i), b.NumberAt(i));
                }
                break;
        }
        return errors;
    }

    private int[] NewErrors(int n)
    {
        var errors = Buffer(ref _errors, n);
        Array.Clear(errors, 0, n);
        return errors;
    }
}

internal sealed class CompareKernel : Kernel
{
    private readonly BinaryOperator _op;
    private readonly Kernel _left;
    private readonly Kernel _right;
    private readonly ValueKind _kind;
    private bool[]? _out;
    private int[]? _errors;
    private readonly Vector _vector = new();

    public CompareKernel(BinaryOperator op, Kernel left, Kernel right, ValueKind kind)
    {
        _op = op;
        _left = left;
        _right = right;
        _kind = kind;
    }

    public override Vector Evaluate(ColumnBatch batch)
    {
        int n = batch.RowCount;
        var a = _left.Evaluate(batch);
        var b = _right.Evaluate(batch);
        var result = Buffer(ref _out, n);
        for (int i = 0; i < n; i++)
        {
            int order = _kind switch
            {
                ValueKind.Number => Comparison.Order(a.NumberAt(i), b.NumberAt(i)),
                ValueKind.Flag => Comparison.Order(a.FlagAt(i), b.FlagAt(i)),
                ValueKind.Date => Comparison.Order(a.DateAt(i), b.DateAt(i)),
                _ => Comparison.Order(a.TextAt(i), b.TextAt(i)),
            };
            result[i] = Comparison.Holds(_op, order);
        }
        _vector.Flags = result;
        _vector.Errors = Merge(ref _errors, n, a.Errors, b.Errors);
        return _vector;
    }
}

/// <summary>'and' / 'or' with the meaning of short-circuit: a problem on the right counts only where the right is needed.</summary>
internal sealed class LogicalKernel : Kernel
{
    private readonly bool _and;
    private readonly Kernel _left;
    private readonly Kernel _right;
    private bool[]? _out;
    private int[]? _errors;
    private readonly Vector _vector = new();

    public LogicalKernel(bool and, Kernel left, Kernel right)
    {
        _and = and;
        _left = left;
        _right = right;
    }

    public override Vector Evaluate(ColumnBatch batch)
    {
        int n = batch.RowCount;
        var a = _left.Evaluate(batch);
        var b = _right.Evaluate(batch);
        var result = Buffer(ref _out, n);
        int[]? errors = null;
        if (a.Errors is not null || b.Errors is not null)
        {
            errors = Buffer(ref _errors, n);
        }
        for (int i = 0; i < n; i++)
        {
            bool left = a.FlagAt(i);
            bool needRight = Comparison.NeedsRight(_and, left);
            result[i] = needRight ? b.FlagAt(i) : left;
            if (errors is not null)
            {
                errors[i] = a.ErrorAt(i) != 0 ? a.ErrorAt(i) : needRight ? b.ErrorAt(i) : 0;
            }
        }
        _vector.Flags = result;
        _vector.Errors = errors;
        return _vector;
    }
}

internal sealed class UnaryKernel : Kernel
{
    private readonly UnaryOperator _op;
    private readonly Kernel _operand;
    private decimal[]? _numbers;
    private bool[]? _flags;
    private readonly Vector _vector = new();

    public UnaryKernel(UnaryOperator op, Kernel operand)
    {
        _op = op;
        _operand = operand;
    }

    public override Vector Evaluate(ColumnBatch batch)
    {
        int n = batch.RowCount;
        var a = _operand.Evaluate(batch);
        if (_op == UnaryOperator.Not)
        {
            var flags = Buffer(ref _flags, n);
            for (int i = 0; i < n; i++)
            {
                flags[i] = !a.FlagAt(i);
            }
            _vector.Flags = flags;
        }
        else
        {
            var numbers = Buffer(ref _numbers, n);
            for (int i = 0; i < n; i++)
            {
                numbers[i] = _op == UnaryOperator.Negate ? Arithmetic.Negate(a.NumberAt(i)) : a.NumberAt(i);
            }
            _vector.Numbers = numbers;
        }
        _vector.Errors = a.Errors;
        return _vector;
    }
}

internal sealed class IfKernel : Kernel
{
    private readonly Kernel _condition;
    private readonly Kernel _whenTrue;
    private readonly Kernel _whenFalse;
    private readonly ValueKind _kind;
    private decimal[]? _numbers;
    private bool[]? _flags;
    private string[]? _texts;
    private DateOnly[]? _dates;
    private int[]? _errors;
    private readonly Vector _vector = new();

    public IfKernel(Kernel condition, Kernel whenTrue, Kernel whenFalse, ValueKind kind)
    {
        _condition = condition;
        _whenTrue = whenTrue;
        _whenFalse = whenFalse;
        _kind = kind;
    }

    public override Vector Evaluate(ColumnBatch batch)
    {
        int n = batch.RowCount;
        var c = _condition.Evaluate(batch);
        var t = _whenTrue.Evaluate(batch);
        var f = _whenFalse.Evaluate(batch);
        int[]? errors = c.Errors is null && t.Errors is null && f.Errors is null ? null : Buffer(ref _errors, n);
        switch (_kind)
        {
            case ValueKind.Number:
                {
                    var r = Buffer(ref _numbers, n);
                    for (int i = 0; i < n; i++)
                    {
                        r[i] = c.FlagAt(i) ? t.NumberAt(i) : f.NumberAt(i);
                    }
                    _vector.Numbers = r;
                    break;
                }
            case ValueKind.Flag:
                {
                    var r = Buffer(ref _flags, n);
                    for (int i = 0; i < n; i++)
                    {
                        r[i] = c.FlagAt(i) ? t.FlagAt(i) : f.FlagAt(i);
                    }
                    _vector.Flags = r;
                    break;
                }
            case ValueKind.Text:
                {
                    var r = Buffer(ref _texts, n);
                    for (int i = 0; i < n; i++)
                    {
                        r[i] = c.FlagAt(i) ? t.TextAt(i) : f.TextAt(i);
                    }
                    _vector.Texts = r;
                    break;
                }
            default:
                {
                    var r = Buffer(ref _dates, n);
                    for (int i = 0; i < n; i++)
                    {
                        r[i] = c.FlagAt(i) ? t.DateAt(i) : f.DateAt(i);
                    }
                    _vector.Dates = r;
                    break;
                }
        }
        if (errors is not null)
        {
            for (int i = 0; i < n; i++)
            {
                errors[i] = c.ErrorAt(i) != 0 ? c.ErrorAt(i) : c.FlagAt(i) ? t.ErrorAt(i) : f.ErrorAt(i);
            }
        }
        _vector.Errors = errors;
        return _vector;
    }
}

internal sealed class CallKernel : Kernel
{
    private readonly BuiltInFunction _function;
    private readonly Kernel[] _arguments;
    private readonly int _problem;
    private decimal[]? _out;
    private int[]? _errors;
    private readonly Vector _vector = new();

    public CallKernel(BuiltInFunction function, Kernel[] arguments, int problem)
    {
        _function = function;
        _arguments = arguments;
        _problem = problem;
    }

    public override Vector Evaluate(ColumnBatch batch)
    {
        int n = batch.RowCount;
        var args = _arguments.Select(a => a.Evaluate(batch)).ToArray();
        var result = Buffer(ref _out, n);
        int[]? errors = null;
        foreach (var a in args)
        {
            errors = Merge(ref _errors, n, errors, a.Errors);
        }
        for (int i = 0; i < n; i++)
        {
            decimal x = args[0].NumberAt(i);
            switch (_function)
            {
                case BuiltInFunction.Min:
                    for (int k = 1; k < args.Length; k++)
                    {
                        x = Arithmetic.Min(x, args[k].NumberAt(i));
                    }
                    break;
                case BuiltInFunction.Max:
                    for (int k = 1; k < args.Length; k++)
                    {
                        x = Arithmetic.Max(x, args[k].NumberAt(i));
                    }
                    break;
                case BuiltInFunction.Clamp:
                    {
                        var problem = OperatorProblem.None;
                        x = Arithmetic.Clamp(x, args[1].NumberAt(i), args[2].NumberAt(i), ref problem);
                        if (problem != OperatorProblem.None)
                        {
                            errors ??= Cleared(n);
                            errors[i] = errors[i] != 0 ? errors[i] : _problem;
                        }
                        break;
                    }
                case BuiltInFunction.Abs:
                    x = Arithmetic.Abs(x);
                    break;
                case BuiltInFunction.Round:
                    x = Arithmetic.Round(x, Arithmetic.Places(args[1].NumberAt(i)));
                    break;
                case BuiltInFunction.Floor:
                    x = Arithmetic.Floor(x);
                    break;
                case BuiltInFunction.Ceiling:
                    x = Arithmetic.Ceiling(x);
                    break;
            }
            result[i] = x;
        }
        _vector.Numbers = result;
        _vector.Errors = errors;
        return _vector;
    }

    private int[] Cleared(int n)
    {
        var e = Buffer(ref _errors, n);
        Array.Clear(e, 0, n);
        return e;
    }
}

/// <summary>A lookup in a table by a per-member key: a dictionary for exact keys, a scan of ranges otherwise.</summary>
internal sealed class LookupKernel : Kernel
{
    private readonly Kernel _key;
    private readonly PreparedTable _table;
    private readonly Dictionary<string, decimal>? _exact;
    private readonly int _problem;
    private decimal[]? _out;
    private int[]? _errors;
    private readonly Vector _vector = new();

    public LookupKernel(Kernel key, PreparedTable table, int problem)
    {
        _key = key;
        _table = table;
        _problem = problem;
        if (table.Rows.All(r => r.Key is { Kind: ValueKind.Text }))
        {
            _exact = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var row in table.Rows)
            {
                _exact.TryAdd(row.Key!.Value.Text, row.Result!.Value.Number);
            }
        }
    }

    public override Vector Evaluate(ColumnBatch batch)
    {
        int n = batch.RowCount;
        var k = _key.Evaluate(batch);
        var result = Buffer(ref _out, n);
        var errors = Buffer(ref _errors, n);
        bool any = false;
        for (int i = 0; i < n; i++)
        {
            errors[i] = k.ErrorAt(i);
            if (_exact is not null && !k.IsScalar && k.Texts is { } texts)
            {
                if (_exact.TryGetValue(texts[i], out var v))
                {
                    result[i] = v;
                    continue;
                }
            }
            else
            {
                var key = k.IsScalar ? k.Scalar : k.Texts is not null ? Value.Of(k.Texts[i]) : Value.Of(k.NumberAt(i));
                var row = _table.RowFor(key);
                if (row is not null)
                {
                    result[i] = row.Result is { } r && row.ResultAtLow is null ? r.Number : row.NumberAt(key.Number);
                    continue;
                }
            }
            result[i] = 0;
            if (errors[i] == 0)
            {
                errors[i] = _problem;
            }
            any = true;
        }
        _vector.Numbers = result;
        _vector.Errors = any || k.Errors is not null ? errors : null;
        return _vector;
    }
}

/// <summary>
/// Compiles the IR's per-row expressions (<see cref="IrExpression"/>) into kernels, node for node: literals (the run's
/// values, folded by the lowering) become single values, and each row problem keeps the number the IR gave it.
/// </summary>
internal sealed class KernelCompiler
{
    private readonly IReadOnlyDictionary<string, int> _columns;

    /// <param name="columns">Each column's index in the batches, by name.</param>
    public KernelCompiler(IReadOnlyDictionary<string, int> columns)
    {
        _columns = columns;
    }

    public Kernel Compile(IrExpression e)
    {
        switch (e)
        {
            case IrLiteral l:
                return new ScalarKernel(l.Value);
            case IrColumn c:
                return new ColumnKernel(_columns[c.Name], new ColumnSpec(c.Name, c.Type, false).Storage);
            case IrUnary u:
                return new UnaryKernel(u.Operator, Compile(u.Operand));
            case IrBinary b when b.Operator is BinaryOperator.And or BinaryOperator.Or:
                return new LogicalKernel(b.Operator == BinaryOperator.And, Compile(b.Left), Compile(b.Right));
            case IrBinary { Overflow: { } overflow } b:
                return new ArithmeticKernel(b.Operator, Compile(b.Left), Compile(b.Right), b.DivisionByZero?.Number ?? 0, overflow.Number);
            case IrBinary b:
                return new CompareKernel(b.Operator, Compile(b.Left), Compile(b.Right), b.Left.Type.Kind);
            case IrIf i:
                return new IfKernel(Compile(i.Condition), Compile(i.WhenTrue), Compile(i.WhenFalse), i.Type.Kind);
            case IrCall c:
                return new CallKernel(c.Function, c.Arguments.Select(Compile).ToArray(), c.BoundsReversed?.Number ?? 0);
            case IrLookup t:
                {
                    var table = new PreparedTable(t.Rows.Select(r => new PreparedRow(r.Key, r.Low, r.LowInclusive, r.High, r.HighInclusive,
                        r.Result, r.ResultAtLow, r.ResultAtHigh, default)).ToList());
                    return new LookupKernel(Compile(t.Key), table, t.NoRow.Number);
                }
            default:
                throw new InvalidOperationException($"No kernel for {e.GetType().Name}.");
        }
    }

    public static string Format(Value value) => value.Kind switch
    {
        ValueKind.Number => value.Number.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
