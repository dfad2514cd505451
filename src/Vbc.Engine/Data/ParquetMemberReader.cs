using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Unicode;
using ParquetSharp;
using Vbc.Diagnostics;
using Vbc.Semantics;
using Encoding = System.Text.Encoding;

namespace Vbc.Data;

/// <summary>
/// Reads a member-level Parquet file into the same <see cref="ColumnBatch"/>es, with the same checks and the same
/// data diagnostics, as <see cref="CsvMemberReader"/> does a CSV file. Values are read from their stored form
/// (ParquetSharp's physical readers) and turned into decimals here, exactly: a DECIMAL is its unscaled integer and
/// scale, an integer column of cents (named <c>NAME_cents</c>) is that integer with two more decimals, and a
/// floating-point money column is refused (VBC3070), never read as a double. Text in a Parquet file is parsed by
/// the CSV reader's own <see cref="ValueParsers"/>, so <c>$1,234.56</c> is read and <c>12,5</c> is refused there too.
/// A Parquet file has no lines: a row's position is its 1-based data row, and a value's column is its 1-based
/// position in the file's schema (<see cref="ColumnBatch.Lines"/> holds data rows).
/// </summary>
public sealed class ParquetMemberReader : IDisposable
{
    private readonly string _path;
    private readonly string _file;
    private readonly MemberReadOptions _options;
    private readonly Severity _rowSeverity;
    private readonly ParquetFileReader? _reader;
    private readonly List<Diagnostic> _headerDiagnostics = new();
    private readonly List<string> _fileColumns = new();
    private readonly List<string> _ignored = new();
    private Source[] _sources = Array.Empty<Source>();
    private ColumnPlan[] _plans = Array.Empty<ColumnPlan>();
    private int[] _moneyPlans = Array.Empty<int>();
    private int _idPlan = -1;
    private long[] _rowGroupStarts = Array.Empty<long>();
    private bool _started;
    private MemberReadResult? _result;
    // Arrays of batches the caller is done with (RecycleBatches), and of id hashes, for later batches: no garbage per
    // batch for the collector, no fresh pages to fault in.
    private readonly ConcurrentBag<Array[]> _recycledColumns = new();
    // A number column's array of the other storage than a recycled batch held it in (units or decimals, see
    // StoreUnits), kept for a later batch so that a column read as units batch after batch allocates nothing.
    private readonly ConcurrentBag<long[]> _spareUnits = new();
    private readonly ConcurrentBag<decimal[]> _spareDecimals = new();
    private readonly ConcurrentBag<long[]> _recycledLines = new();
    private readonly ConcurrentBag<ulong[]> _recycledHashes = new();
    private readonly ConcurrentBag<byte[]> _recycledIdBytes = new();
    private readonly ConcurrentBag<int[]> _recycledIdEnds = new();

    private ParquetMemberReader(string path, IReadOnlyList<ColumnSpec> specs, MemberReadOptions options)
    {
        _path = path;
        _file = options.DisplayName ?? path;
        _options = options;
        Specs = specs;
        _rowSeverity = options.BadRows == BadRowPolicy.Fail ? Severity.Error : Severity.Warning;
        if (options.Claims is not null)
        {
            _headerDiagnostics.Add(DataDiagnostics.ParquetWithClaims(_file, options.Claims.File));
            return;
        }
        try
        {
            _reader = new ParquetFileReader(path);
            var meta = _reader.FileMetaData;
            _rowGroupStarts = new long[meta.NumRowGroups + 1];
            for (int g = 0; g < meta.NumRowGroups; g++)
            {
                using var rowGroup = _reader.RowGroup(g);
                _rowGroupStarts[g + 1] = _rowGroupStarts[g] + rowGroup.MetaData.NumRows;
            }
        }
        catch (ParquetException e)
        {
            _reader?.Dispose();
            _reader = null;
            _headerDiagnostics.Add(DataDiagnostics.NotParquet(_file, FirstLine(e.Message)));
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _reader?.Dispose();
            _reader = null;
            _headerDiagnostics.Add(GeneralDiagnostics.CannotRead(_file, e.Message));
            return;
        }
        PlanColumns();
        if (_rowGroupStarts[^1] == 0 && !_headerDiagnostics.Any(d => d.IsError))
        {
            _headerDiagnostics.Add(DataDiagnostics.NoDataRows(_file, 0));
        }
    }

    /// <summary>Opens a Parquet member file and checks its schema. Problems are in <see cref="HeaderDiagnostics"/>; this never throws for bad files.</summary>
    public static ParquetMemberReader Open(string path, IReadOnlyList<ColumnSpec> specs, MemberReadOptions? options = null) =>
        new(path, specs, options ?? new MemberReadOptions());

    public IReadOnlyList<ColumnSpec> Specs { get; }

    /// <summary>Problems with the file or its schema (missing columns, types that cannot hold the contract's values). Any error here means no batch is read.</summary>
    public IReadOnlyList<Diagnostic> HeaderDiagnostics => _headerDiagnostics;

    public bool CanRead => _reader is not null && !_headerDiagnostics.Any(d => d.IsError);

    /// <summary>How many rows the file holds (its metadata's row count), bad rows included.</summary>
    public long RowCount => _rowGroupStarts.Length == 0 ? 0 : _rowGroupStarts[^1];

    /// <summary>The file's columns, in schema order.</summary>
    public IReadOnlyList<string> FileColumns => _fileColumns;

    /// <summary>Columns of the file the contract does not use.</summary>
    public IReadOnlyList<string> IgnoredColumns => _ignored;

    public MemberReadResult Result => _result ?? throw new InvalidOperationException("The result is known once ReadBatches() has been enumerated.");

    public void Dispose() => _reader?.Dispose();

    private static string FirstLine(string message)
    {
        // ParquetSharp's messages start with the native exception's type; keep what a user can act on.
        int at = message.IndexOf("message: '", StringComparison.Ordinal);
        string text = at >= 0 ? message[(at + 10)..].TrimEnd('\'', ')', ' ') : message;
        int nl = text.IndexOf('\n');
        return nl >= 0 ? text[..nl] : text;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Schema.

    /// <summary>How a column's values are stored in the file.</summary>
    private enum Stored
    {
        Decimal,
        Integer,
        Float,
        Boolean,
        Text,
        Date,
        Other,
    }

    /// <summary>Where one requested column comes from: its position in the file and how its values are stored.</summary>
    private sealed record Source(int Column, Stored Stored, PhysicalType Physical, int Scale, int ExtraScale, short MaxDefinition, string Name);

    private void PlanColumns()
    {
        var schema = _reader!.FileMetaData.Schema;
        var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < schema.NumColumns; i++)
        {
            var column = schema.Column(i);
            using var path = column.Path;
            string name = path.ToDotString().Trim();
            _fileColumns.Add(name);
            if (!byName.TryAdd(name, i))
            {
                _headerDiagnostics.Add(DataDiagnostics.DuplicateHeader(_file, 0, i + 1, name, byName[name] + 1, i + 1));
            }
        }
        var used = new bool[_fileColumns.Count];
        var plans = new List<ColumnPlan>();
        var sources = new List<Source>();
        for (int s = 0; s < Specs.Count; s++)
        {
            var spec = Specs[s];
            string name = spec.Name.Trim();
            var plan = ColumnPlan.For(spec, s, required: false);
            if (spec.IsId && _idPlan < 0)
            {
                _idPlan = s;
                plan.Required = true;
            }
            plans.Add(plan);
            bool found = byName.TryGetValue(name, out int field);
            // A money column may be given in whole cents, as NAME_cents (docs/data.md).
            int centsField = -1;
            bool foundCents = plan.IsMoney && byName.TryGetValue(name + "_cents", out centsField);
            if (found && foundCents)
            {
                _headerDiagnostics.Add(DataDiagnostics.CentsAndDollars(_file, centsField + 1, _fileColumns[field], _fileColumns[centsField]));
                used[field] = used[centsField] = true;
                sources.Add(null!);
                continue;
            }
            if (!found && foundCents)
            {
                field = centsField;
            }
            if (!found && !foundCents)
            {
                var existing = _fileColumns.ToList();
                _headerDiagnostics.Add(DataDiagnostics.MissingColumn(_file, 0, spec.Name, spec.Type.DisplayName, Suggest.Nearest(name, existing), existing, claimsGiven: false));
                sources.Add(null!);
                continue;
            }
            used[field] = true;
            plan.Field = field;
            plan.Header = _fileColumns[field];
            sources.Add(Describe(schema, field, plan, inCents: !found));
        }
        for (int i = 0; i < _fileColumns.Count; i++)
        {
            if (!used[i])
            {
                _ignored.Add(_fileColumns[i]);
            }
        }
        _plans = plans.ToArray();
        _sources = sources.ToArray();
        _moneyPlans = _plans.Where(p => p.IsMoney).Select(p => p.SpecIndex).ToArray();
    }

    /// <summary>How a requested column is stored, or null with a diagnostic when it cannot hold the contract's values.</summary>
    private Source Describe(SchemaDescriptor schema, int field, ColumnPlan plan, bool inCents)
    {
        var column = schema.Column(field);
        using var logical = column.LogicalType;
        using var path = column.Path;
        bool nested = column.MaxRepetitionLevel > 0 || path.ToDotVector().Length > 1;
        var physical = column.PhysicalType;
        int number = field + 1;
        string name = _fileColumns[field];
        Stored stored = logical switch
        {
            DecimalLogicalType => Stored.Decimal,
            DateLogicalType when physical == PhysicalType.Int32 => Stored.Date,
            StringLogicalType or EnumLogicalType or JsonLogicalType => Stored.Text,
            IntLogicalType => Stored.Integer,
            NoneLogicalType or NullLogicalType => physical switch
            {
                PhysicalType.Boolean => Stored.Boolean,
                PhysicalType.Int32 or PhysicalType.Int64 => Stored.Integer,
                PhysicalType.Float or PhysicalType.Double => Stored.Float,
                PhysicalType.ByteArray => Stored.Text,
                _ => Stored.Other,
            },
            _ => Stored.Other,
        };
        if (nested)
        {
            stored = Stored.Other;
        }
        int precision = stored == Stored.Decimal ? column.TypePrecision : 0;
        int scale = stored == Stored.Decimal ? column.TypeScale : 0;
        string shown = stored switch
        {
            Stored.Decimal => $"DECIMAL({precision},{scale})",
            Stored.Float => physical == PhysicalType.Float ? "FLOAT" : "DOUBLE",
            Stored.Integer => physical == PhysicalType.Int32 ? "INT32" : "INT64",
            Stored.Boolean => "BOOLEAN",
            Stored.Text => "text (BYTE_ARRAY)",
            Stored.Date => "DATE",
            _ when column.MaxRepetitionLevel > 0 => "a list (a repeated field)",
            _ when nested => "a field of a nested group",
            _ => $"{physical}{(logical is NoneLogicalType ? "" : " " + logical)}",
        };
        var source = new Source(field, stored, physical, scale, inCents ? 2 : 0, column.MaxDefinitionLevel, name);
        Diagnostic? problem = null;
        string accepted = plan.Kind switch
        {
            PlanKind.Flag => "BOOLEAN (or whole numbers 1 and 0, or text such as yes/no)",
            PlanKind.Date => "DATE (or text such as 2024-12-31)",
            PlanKind.Text => "text (a STRING column)",
            _ when plan.IsMoney => $"DECIMAL (for example DECIMAL(18,2)), or whole cents in an integer column named '{plan.Spec.Name.Trim()}_cents'",
            _ => "DECIMAL, an integer, or text",
        };
        if (inCents && stored != Stored.Integer && !(stored == Stored.Decimal && scale == 0))
        {
            problem = DataDiagnostics.WrongParquetType(_file, number, name, shown, "cents", "whole numbers (INT32 or INT64), or rename the column");
        }
        else if (stored == Stored.Other)
        {
            problem = DataDiagnostics.WrongParquetType(_file, number, name, shown, plan.TypeName, accepted);
        }
        else if (stored == Stored.Decimal && precision > 28)
        {
            problem = DataDiagnostics.DecimalTooPrecise(_file, number, name, precision, scale);
        }
        else
        {
            problem = plan.Kind switch
            {
                PlanKind.Text when stored is not (Stored.Text or Stored.Integer) => DataDiagnostics.WrongParquetType(_file, number, name, shown, plan.TypeName, accepted),
                PlanKind.Flag when stored is not (Stored.Boolean or Stored.Integer or Stored.Text) => DataDiagnostics.WrongParquetType(_file, number, name, shown, plan.TypeName, accepted),
                PlanKind.Date when stored is not (Stored.Date or Stored.Text) => DataDiagnostics.WrongParquetType(_file, number, name, shown, plan.TypeName, accepted),
                PlanKind.Decimal or PlanKind.Percent or PlanKind.Count or PlanKind.Year or PlanKind.MemberMonths => stored switch
                {
                    Stored.Float when plan.IsMoney => DataDiagnostics.FloatingPointMoney(_file, number, name, shown),
                    Stored.Integer when plan.IsMoney && !inCents => DataDiagnostics.MoneyWithoutUnit(_file, number, name, shown),
                    Stored.Boolean or Stored.Date => DataDiagnostics.WrongParquetType(_file, number, name, shown, plan.TypeName, accepted),
                    _ => null,
                },
                _ => null,
            };
        }
        if (problem is not null)
        {
            _headerDiagnostics.Add(problem);
        }
        return source;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Rows.

    /// <summary>
    /// The batches, in file order, <see cref="MemberReadOptions.BatchSize"/> rows each (fewer at the end of a row
    /// group or when rows were left out). Enumerate once; <see cref="Result"/> is set when the enumeration ends.
    /// </summary>
    public IEnumerable<ColumnBatch> ReadBatches()
    {
        if (_started)
        {
            throw new InvalidOperationException("ReadBatches() can be enumerated only once.");
        }
        _started = true;
        return Iterate();
    }

    /// <summary>Reads every batch, handing each to <paramref name="onBatch"/>, and returns the result.</summary>
    public MemberReadResult ReadAll(Action<ColumnBatch>? onBatch = null)
    {
        foreach (var batch in ReadBatches())
        {
            onBatch?.Invoke(batch);
        }
        return Result;
    }

    /// <summary>
    /// Row groups are decoded in parallel, each by one of a few threads with a ParquetSharp reader of its own (a
    /// reader is used from one thread only), at most one group per thread held at once (memory). The caller's
    /// thread takes the decoded batches in file order and does what needs that order: the duplicate-id check, the
    /// bad rows and their diagnostics. The file's SHA-256 is computed on the side meanwhile (<see cref="ContentSha256"/>).
    /// </summary>
    private IEnumerable<ColumnBatch> Iterate()
    {
        var state = new State();
        bool complete = false;
        using var cancel = new CancellationTokenSource();
        Task<string?>? hashing = null;
        Task[] workers = Array.Empty<Task>();
        BlockingCollection<Decoded>[] queues = Array.Empty<BlockingCollection<Decoded>>();
        try
        {
            if (!CanRead)
            {
                yield break;
            }
            hashing = Task.Factory.StartNew(() => HashFile(cancel.Token), cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            long total = _rowGroupStarts[^1];
            if (_idPlan >= 0)
            {
                state.Ids = new IdIndex(Math.Max(1, total));
            }
            int groups = _rowGroupStarts.Length - 1;
            queues = Enumerable.Range(0, groups).Select(_ => new BlockingCollection<Decoded>()).ToArray();
            int width = Math.Max(1, Math.Min(_options.MaxParallelism, groups));
            // A row group is held from its decoding until the caller is done with it: at most one per thread (about
            // 25 MB per 131,072-row group). With one more, three threads were busy on two cores and the peak at 1M
            // members rose from 193 MB to 342 MB for no gain in CPU time.
            using var ahead = new SemaphoreSlim(width);
            var cursor = new GroupCursor();
            var decodeQueues = queues;
            workers = Enumerable.Range(0, width)
                .Select(_ => Task.Factory.StartNew(() => DecodeGroups(decodeQueues, cursor, ahead, cancel.Token), cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            bool stop = false;
            for (int g = 0; g < groups && !stop; g++)
            {
                foreach (var decoded in queues[g].GetConsumingEnumerable())
                {
                    if (decoded.Failure is { } failure)
                    {
                        ExceptionDispatchInfo.Capture(failure).Throw();
                    }
                    if (decoded.Fatal is { } fatal)
                    {
                        // A page that cannot be decoded: the file is damaged past this point.
                        state.Add(fatal);
                        stop = true;
                        break;
                    }
                    var batch = Sequence(decoded, state, out stop);
                    if (batch is not null)
                    {
                        yield return batch;
                        if (_options.RecycleBatches)
                        {
                            Recycle(batch);
                        }
                    }
                    if (stop)
                    {
                        break;
                    }
                }
                ahead.Release();
            }
            complete = !stop;
        }
        finally
        {
            // A complete read waits for the hash (before cancelling, which would stop it); any other end drops it.
            try
            {
                ContentSha256 = complete && hashing is not null ? hashing.GetAwaiter().GetResult() : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ContentSha256 = null; // the caller hashes the file itself
            }
            cancel.Cancel();
            try
            {
                Task.WaitAll(hashing is null ? workers : workers.Append(hashing).ToArray());
            }
            catch (AggregateException)
            {
                // Cancelled while waiting for room ahead of the caller, or while hashing.
            }
            foreach (var queue in queues)
            {
                queue.Dispose();
            }
            Finish(state, complete);
        }
    }

    /// <summary>The caller is done with the batch (it asked for the next one): its arrays serve a later batch.</summary>
    private void Recycle(ColumnBatch batch)
    {
        int size = _options.BatchSize;
        if (batch.Utf8Text is { } ids)
        {
            ReturnIdBytes(ids);
        }
        batch.ReturnMadeDecimals();
        var columns = batch.ColumnArrays; // as they are: the ids' strings are not made for nothing
        if (batch.RowCount != size || batch.Lines.Length != size || columns.Any(c => c.Length != size))
        {
            return; // a short or compacted batch
        }
        if (_recycledColumns.Count < RecycledSets)
        {
            _recycledColumns.Add(columns);
            _recycledLines.Add(batch.Lines);
        }
    }

    private void ReturnIdBytes(Utf8TextColumn ids)
    {
        if (ids.Ends.Length == _options.BatchSize && _recycledIdEnds.Count < RecycledSets)
        {
            _recycledIdBytes.Add(ids.Bytes);
            _recycledIdEnds.Add(ids.Ends);
        }
    }

    /// <summary>At most the batches of a row group per decoding thread, and two more, wait to be reused.</summary>
    private int RecycledSets => (Math.Max(1, _options.MaxParallelism) * Math.Max(1, (int)Math.Min(1 << 16, RowGroupRowsMax / Math.Max(1, _options.BatchSize)))) + 2;

    private long RowGroupRowsMax
    {
        get
        {
            long most = 0;
            for (int g = 0; g + 1 < _rowGroupStarts.Length; g++)
            {
                most = Math.Max(most, _rowGroupStarts[g + 1] - _rowGroupStarts[g]);
            }
            return most;
        }
    }

    /// <summary>
    /// The SHA-256 of every byte of the file (lower-case hex), computed on a thread of its own while the row groups
    /// are decoded, so the statement's record of the input costs no pass after the settlement. Null until the whole
    /// file has been read without a problem.
    /// </summary>
    public string? ContentSha256 { get; private set; }

    private string? HashFile(CancellationToken cancel)
    {
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int n;
        while ((n = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancel.ThrowIfCancellationRequested();
            sha256.AppendData(buffer, 0, n);
        }
        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }

    /// <summary>The next row group to decode, shared by the decoding threads.</summary>
    private sealed class GroupCursor
    {
        public int Next = -1;
    }

    /// <summary>One decoding thread: takes the next row group, with room ahead of the caller, until none is left.</summary>
    private void DecodeGroups(BlockingCollection<Decoded>[] queues, GroupCursor cursor, SemaphoreSlim ahead, CancellationToken cancel)
    {
        ParquetFileReader? file = null;
        var scratch = new Scratch();
        try
        {
            while (true)
            {
                ahead.Wait(cancel);
                int g = Interlocked.Increment(ref cursor.Next);
                if (g >= queues.Length)
                {
                    return;
                }
                try
                {
                    file ??= new ParquetFileReader(_path);
                    DecodeGroup(file, g, queues[g], scratch, cancel);
                }
                catch (OperationCanceledException)
                {
                    throw;
                }
                catch (Exception e) when (e is ParquetException or InvalidDataException or IOException)
                {
                    queues[g].Add(new Decoded { Fatal = DataDiagnostics.NotParquet(_file, FirstLine(e.Message)) }, cancel);
                }
                catch (Exception e)
                {
                    queues[g].Add(new Decoded { Failure = e }, cancel);
                }
                finally
                {
                    queues[g].CompleteAdding();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The caller stopped reading.
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>Decodes one row group, batch by batch, into its queue.</summary>
    private void DecodeGroup(ParquetFileReader file, int g, BlockingCollection<Decoded> queue, Scratch scratch, CancellationToken cancel)
    {
        using var rowGroup = file.RowGroup(g);
        var readers = new ColumnReader?[_plans.Length];
        try
        {
            for (int p = 0; p < _plans.Length; p++)
            {
                readers[p] = rowGroup.Column(_sources[p].Column);
            }
            int batchSize = _options.BatchSize;
            long rows = _rowGroupStarts[g + 1] - _rowGroupStarts[g];
            for (long done = 0; done < rows; done += batchSize)
            {
                cancel.ThrowIfCancellationRequested();
                queue.Add(DecodeBatch(readers, _rowGroupStarts[g] + done, (int)Math.Min(batchSize, rows - done), scratch), cancel);
            }
        }
        finally
        {
            foreach (var r in readers)
            {
                r?.Dispose();
            }
        }
    }

    /// <summary>One batch's values, read and checked cell by cell (any thread); the checks that need file order come later.</summary>
    private Decoded DecodeBatch(ColumnReader?[] readers, long firstRow0, int count, Scratch scratch)
    {
        // A full batch reuses the arrays of one the caller is done with; every cell is written again below (a cell
        // left as it was belongs to a row with a problem, which is never delivered).
        bool full = count == _options.BatchSize;
        Array[]? recycled = full && _recycledColumns.TryTake(out var set) ? set : null;
        ulong[]? hashes = _idPlan < 0 ? null : full && _recycledHashes.TryTake(out var h) ? h : new ulong[count];
        if (hashes is not null && hashes.Length == count)
        {
            Array.Clear(hashes); // a row whose id cannot be read has no hash (0): it is not looked up
        }
        var decoded = new Decoded
        {
            FirstRow0 = firstRow0,
            Count = count,
            Columns = recycled ?? new Array[_plans.Length],
            Cells = new Cells(count),
            Hashes = hashes,
            Ids = _idPlan < 0 ? null : new IdWriter(
                full && _recycledIdBytes.TryTake(out var bytes) ? bytes : new byte[count * 16],
                full && _recycledIdEnds.TryTake(out var ends) ? ends : new int[count]),
        };
        for (int p = 0; p < _plans.Length; p++)
        {
            var plan = _plans[p];
            if (recycled is not null && recycled[p] is long[] spare)
            {
                // Read as units last time: the column starts as decimals again, and its units wait in the spares.
                Spare(spare);
                recycled[p] = _spareDecimals.TryTake(out var decimals) && decimals.Length == count ? decimals : new decimal[count];
            }
            if (recycled is null)
            {
                decoded.Columns[p] = plan.Spec.Storage switch
                {
                    ColumnStorage.Decimal => new decimal[count],
                    ColumnStorage.Flag => new bool[count],
                    ColumnStorage.Text => new string[count],
                    _ => new DateOnly[count],
                };
            }
            ReadColumn(readers[p]!, p, decoded.Columns[p], count, firstRow0, decoded.Cells, decoded.Rows, p == _idPlan ? decoded.Hashes : null, p == _idPlan ? decoded.Ids : null, scratch, decoded);
        }
        decoded.Ids?.Finish(count);
        return decoded;
    }

    /// <summary>One decoding thread's buffers for a column's levels and stored values, reused column after column.</summary>
    private sealed class Scratch
    {
        private readonly Dictionary<Type, Array> _values = new();
        private short[] _levels = Array.Empty<short>();

        public short[] Levels(int count) => _levels.Length >= count ? _levels : _levels = new short[count];

        public T[] Values<T>(int count)
        {
            if (_values.TryGetValue(typeof(T), out var array) && array.Length >= count)
            {
                return (T[])array;
            }
            var values = new T[count];
            _values[typeof(T)] = values;
            return values;
        }
    }

    /// <summary>A decoded batch (or the problem that stopped its row group), waiting for its turn.</summary>
    private sealed class Decoded
    {
        public long FirstRow0 { get; init; }
        public int Count { get; init; }
        public Array[] Columns { get; init; } = Array.Empty<Array>();
        /// <summary>The scale of each number column held as units (long[]), or -1; null when none is.</summary>
        public int[]? UnitScales { get; set; }
        public Cells Cells { get; init; } = new(0);
        public ulong[]? Hashes { get; init; }
        public IdWriter? Ids { get; init; }
        public Dictionary<int, BadRowDraft> Rows { get; } = new();
        public Diagnostic? Fatal { get; init; }
        public Exception? Failure { get; init; }
    }

    /// <summary>
    /// A batch's member ids as the UTF-8 bytes of their text (trimmed, as a CSV cell; a whole-number id as its digits),
    /// written row after row on a decoding thread: no string per member (<see cref="ColumnBatch.Utf8Text"/>). A row
    /// without a readable id has an empty one (and no hash: it is never looked up).
    /// </summary>
    private sealed class IdWriter
    {
        private byte[] _bytes;
        private readonly int[] _ends;
        private int _length;
        private int _next;

        public IdWriter(byte[] bytes, int[] ends)
        {
            _bytes = bytes;
            _ends = ends;
        }

        /// <summary>Row <paramref name="r"/>'s id; rows are written in increasing order, those skipped are empty.</summary>
        public void Append(int r, ReadOnlySpan<byte> id)
        {
            Skip(r);
            if (_length + id.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + id.Length));
            }
            id.CopyTo(_bytes.AsSpan(_length));
            _length += id.Length;
            _ends[r] = _length;
            _next = r + 1;
        }

        public ReadOnlySpan<byte> At(int r) => _bytes.AsSpan(r == 0 ? 0 : _ends[r - 1], _ends[r] - (r == 0 ? 0 : _ends[r - 1]));

        public void Finish(int count) => Skip(count);

        public Utf8TextColumn ToColumn(int column) => new(column, _bytes, _ends);

        private void Skip(int r)
        {
            for (; _next < r; _next++)
            {
                _ends[_next] = _length;
            }
        }
    }

    /// <summary>In file order, on the caller's thread: duplicate ids, bad rows and their diagnostics, the batch.</summary>
    private ColumnBatch? Sequence(Decoded decoded, State state, out bool stop)
    {
        stop = false;
        long firstRow0 = decoded.FirstRow0;
        int count = decoded.Count;
        var columns = decoded.Columns;
        var rows = decoded.Rows;
        var cells = decoded.Cells;
        var hashes = decoded.Hashes;
        state.RowsRead += count;

        // Duplicate ids, in row order: the first row with an id is kept.
        var ids = decoded.Ids;
        if (hashes is not null)
        {
            // The index's home slots are asked for two blocks of rows ahead of their lookups, so that their cache misses
            // (one per id in a table of 115 MB at 10M members) are hidden behind the lookups in between.
            const int block = 16;
            state.Ids!.PrefetchAhead(hashes.AsSpan(0, Math.Min(2 * block, count)));
            for (int r = 0; r < count; r++)
            {
                if ((r & (block - 1)) == 0 && r + (2 * block) < count)
                {
                    state.Ids!.PrefetchAhead(hashes.AsSpan(r + (2 * block), Math.Min(block, count - r - (2 * block))));
                }
                if (hashes[r] == 0)
                {
                    continue;
                }
                long row0 = firstRow0 + r;
                var verifier = new IdVerifier(this, ids!, r, firstRow0, state);
                if (!state.Ids!.TryFind(hashes[r], ref verifier, out long first))
                {
                    state.Ids.Add(hashes[r], row0);
                    continue;
                }
                var source = _sources[_idPlan];
                Draft(rows, r).Problems.Add(DataDiagnostics.DuplicateId(_file, row0 + 1, source.Column + 1, row0 + 1, _plans[_idPlan].Header, Encoding.UTF8.GetString(ids!.At(r)), first + 1, first + 1, _rowSeverity, rowsOnly: true));
            }
        }

        if (hashes is not null && hashes.Length == _options.BatchSize && _recycledHashes.Count < RecycledSets)
        {
            _recycledHashes.Add(hashes);
        }
        var lines = count == _options.BatchSize && _options.RecycleBatches && _recycledLines.TryTake(out var reused) ? reused : new long[count];
        for (int r = 0; r < count; r++)
        {
            lines[r] = firstRow0 + r + 1;
        }
        int kept = count;
        if (rows.Count > 0)
        {
            var keep = new bool[count];
            Array.Fill(keep, true);
            foreach (var (r, draft) in rows.OrderBy(x => x.Key))
            {
                keep[r] = false;
                var unread = new List<string>();
                decimal dollars = 0m;
                foreach (int m in _moneyPlans)
                {
                    if (cells.Failed(m, r) || _sources[m] is null)
                    {
                        unread.Add(_plans[m].Header);
                    }
                    else
                    {
                        dollars += columns[m] is long[] units ? ColumnBatch.FromUnits(units[r], decoded.UnitScales![m]) : ((decimal[])columns[m])[r];
                    }
                }
                string? id = _idPlan >= 0 && !cells.Failed(_idPlan, r) ? Encoding.UTF8.GetString(ids!.At(r)) : null;
                state.BadRows.Add(new BadRow(firstRow0 + r + 1, firstRow0 + r + 1, string.IsNullOrEmpty(id) ? null : id, draft.Problems, dollars, unread));
                foreach (var problem in draft.Problems)
                {
                    state.Add(problem);
                }
            }
            if (ids is not null)
            {
                // Rows are taken out of the batch: its ids become strings here, as the kept rows go.
                var strings = (string[])columns[_idPlan];
                for (int r = 0; r < count; r++)
                {
                    strings[r] = keep[r] ? Encoding.UTF8.GetString(ids.At(r)) : "";
                }
            }
            kept = ColumnBatch.Compact(columns, ref lines, keep);
        }
        // The batch keeps the ids as bytes when its rows are the decoded rows (otherwise strings were made above).
        Utf8TextColumn? utf8Ids = null;
        if (ids is not null)
        {
            if (rows.Count == 0)
            {
                utf8Ids = ids.ToColumn(_idPlan);
            }
            else
            {
                ReturnIdBytes(ids.ToColumn(_idPlan));
            }
        }
        if (_options.BadRows == BadRowPolicy.Fail && state.Overflowed)
        {
            stop = true;
        }
        if (kept == 0)
        {
            return null;
        }
        state.RowsDelivered += kept;
        // A Parquet file has no lines: each row's "line" is its data row, kept or not, so they name the rows left in.
        return new ColumnBatch(state.BatchIndex++, kept, lines[0], lines, columns, decoded.UnitScales) { DataRows = lines, Utf8Text = utf8Ids };
    }

    private static BadRowDraft Draft(Dictionary<int, BadRowDraft> rows, int r)
    {
        if (!rows.TryGetValue(r, out var draft))
        {
            draft = new BadRowDraft();
            rows.Add(r, draft);
        }
        return draft;
    }

    /// <summary>Which cells could not be read (so their dollars are unknown).</summary>
    private sealed class Cells
    {
        private readonly int _count;
        private readonly HashSet<long> _failed = new();

        public Cells(int count) => _count = count;

        public void Fail(int plan, int row) => _failed.Add(((long)plan * _count) + row);

        public bool Failed(int plan, int row) => _failed.Contains(((long)plan * _count) + row);
    }

    /// <summary>Reads <paramref name="count"/> values of one column into its array, checking each as the CSV reader does.</summary>
    private void ReadColumn(ColumnReader reader, int p, Array target, int count, long firstRow0, Cells cells, Dictionary<int, BadRowDraft> rows, ulong[]? hashes, IdWriter? ids, Scratch buffers, Decoded decoded)
    {
        var plan = _plans[p];
        var source = _sources[p];
        var defs = buffers.Levels(count);
        int number = source.Column + 1;
        string? lastString = null;
        byte[]? lastBytes = null;

        void Problem(int r, ParseOutcome outcome, string text)
        {
            long dataRow = firstRow0 + r + 1;
            var d = outcome switch
            {
                ParseOutcome.Empty => DataDiagnostics.EmptyValue(_file, dataRow, number, dataRow, plan.Header, plan.TypeName, plan.Expected, _rowSeverity),
                ParseOutcome.TooManyDigits => DataDiagnostics.TooManyDigits(_file, dataRow, number, dataRow, plan.Header, text, _rowSeverity),
                ParseOutcome.OutOfRange => DataDiagnostics.OutOfRange(_file, dataRow, number, dataRow, plan.Header, text, plan.TypeName, plan.Bounds, _rowSeverity),
                ParseOutcome.AmbiguousPercent => DataDiagnostics.AmbiguousPercent(_file, dataRow, number, dataRow, plan.Header, text, _rowSeverity),
                _ => DataDiagnostics.InvalidValue(_file, dataRow, number, dataRow, plan.Header, text, plan.TypeName, plan.Expected, _rowSeverity),
            };
            Draft(rows, r).Problems.Add(d);
            cells.Fail(p, r);
        }

        void Null(int r)
        {
            if (plan.Kind == PlanKind.Text && !plan.Required)
            {
                ((string[])target)[r] = ""; // as an empty cell of a CSV file
                return;
            }
            long dataRow = firstRow0 + r + 1;
            Draft(rows, r).Problems.Add(DataDiagnostics.EmptyValue(_file, dataRow, number, dataRow, plan.Header, plan.TypeName, plan.Expected, _rowSeverity, isNull: true));
            cells.Fail(p, r);
        }

        // A number that arrived typed: checked as the same text in a CSV file would be.
        void Number(int r, decimal value)
        {
            var outcome = ValueParsers.CheckNumber(plan.Kind, ref value);
            if (outcome == ParseOutcome.Ok)
            {
                ((decimal[])target)[r] = value;
            }
            else
            {
                Problem(r, outcome, value.ToString(CultureInfo.InvariantCulture));
            }
        }

        // Text (and numbers written as text): the CSV reader's own parsers.
        void Text(int r, ReadOnlySpan<byte> raw)
        {
            var content = CsvSyntax.Trim(raw);
            if (!Utf8.IsValid(content))
            {
                long dataRow = firstRow0 + r + 1;
                Draft(rows, r).Problems.Add(DataDiagnostics.NotUtf8(_file, dataRow, number, dataRow, plan.Header, _rowSeverity));
                cells.Fail(p, r);
                return;
            }
            ParseOutcome outcome;
            switch (plan.Kind)
            {
                case PlanKind.Decimal or PlanKind.Percent or PlanKind.Count or PlanKind.Year or PlanKind.MemberMonths:
                    outcome = ValueParsers.ParseNumber(plan.Kind, content, plan.AllowDollar, out ((decimal[])target)[r]);
                    break;
                case PlanKind.Flag:
                    outcome = ValueParsers.ParseFlag(content, out ((bool[])target)[r]);
                    break;
                case PlanKind.Date:
                    outcome = ValueParsers.ParseDate(content, out ((DateOnly[])target)[r]);
                    break;
                default:
                    if (content.Length == 0 && plan.Required)
                    {
                        outcome = ParseOutcome.Empty;
                        break;
                    }
                    outcome = ParseOutcome.Ok;
                    if (hashes is not null)
                    {
                        ids!.Append(r, content);
                        hashes[r] = content.Length == 0 ? 0 : IdIndex.Hash(content);
                    }
                    else if (lastBytes is not null && content.SequenceEqual(lastBytes))
                    {
                        ((string[])target)[r] = lastString!;
                    }
                    else
                    {
                        lastBytes = content.ToArray();
                        ((string[])target)[r] = lastString = Encoding.UTF8.GetString(content);
                    }
                    break;
            }
            if (outcome != ParseOutcome.Ok)
            {
                Problem(r, outcome, Encoding.UTF8.GetString(content));
            }
        }

        void Integer(int r, long value)
        {
            switch (plan.Kind)
            {
                case PlanKind.Flag:
                    if (value is 0 or 1)
                    {
                        ((bool[])target)[r] = value == 1;
                    }
                    else
                    {
                        Problem(r, ParseOutcome.Invalid, value.ToString(CultureInfo.InvariantCulture));
                    }
                    break;
                case PlanKind.Text:
                    Span<byte> digits = stackalloc byte[24];
                    value.TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
                    Text(r, digits[..written]);
                    break;
                default:
                    Number(r, Scaled(value, source.ExtraScale));
                    break;
            }
        }

        switch (reader)
        {
            case ColumnReader<bool> booleans:
                {
                    var values = buffers.Values<bool>(count);
                    int n = ReadAllLevels(booleans, count, defs, values);
                    if (n == count)
                    {
                        values.AsSpan(0, count).CopyTo((bool[])target); // no nulls: no call per value
                        break;
                    }
                    Expand(count, defs, source.MaxDefinition, n, (r, v) => ((bool[])target)[r] = values[v], Null);
                    break;
                }
            case ColumnReader<int> ints:
                {
                    var values = buffers.Values<int>(count);
                    int n = ReadAllLevels(ints, count, defs, values);
                    if (n == count && source.Stored is Stored.Decimal or Stored.Integer && IsCheckedAsWhole(plan.Kind, source.Scale + source.ExtraScale))
                    {
                        var wide = buffers.Values<long>(count);
                        for (int r = 0; r < count; r++)
                        {
                            wide[r] = values[r];
                        }
                        if (TryScaleAll(plan.Kind, wide.AsSpan(0, count), source.Scale + source.ExtraScale))
                        {
                            StoreUnits(decoded, p, wide.AsSpan(0, count), source.Scale + source.ExtraScale);
                            break;
                        }
                    }
                    if (source.Stored == Stored.Decimal && n == count)
                    {
                        // A DECIMAL(9,x) column without nulls, without a delegate call per value.
                        for (int r = 0; r < count; r++)
                        {
                            Number(r, Scaled(values[r], source.Scale + source.ExtraScale));
                        }
                        break;
                    }
                    if (source.Stored == Stored.Integer && n == count)
                    {
                        for (int r = 0; r < count; r++)
                        {
                            Integer(r, values[r]);
                        }
                        break;
                    }
                    Expand(count, defs, source.MaxDefinition, n, (r, v) =>
                    {
                        if (source.Stored == Stored.Date)
                        {
                            long day = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (long)values[v];
                            if (day is < 0 or > 3652058)
                            {
                                Problem(r, ParseOutcome.Invalid, values[v].ToString(CultureInfo.InvariantCulture) + " days after 1970-01-01");
                            }
                            else
                            {
                                ((DateOnly[])target)[r] = DateOnly.FromDayNumber((int)day);
                            }
                        }
                        else if (source.Stored == Stored.Decimal)
                        {
                            Number(r, Scaled(values[v], source.Scale + source.ExtraScale));
                        }
                        else
                        {
                            Integer(r, values[v]);
                        }
                    }, Null);
                    break;
                }
            case ColumnReader<long> longs:
                {
                    var values = buffers.Values<long>(count);
                    int n = ReadAllLevels(longs, count, defs, values);
                    if (n == count && source.Stored is Stored.Decimal or Stored.Integer
                        && TryScaleAll(plan.Kind, values.AsSpan(0, count), source.Scale + source.ExtraScale))
                    {
                        // The common cases (money as DECIMAL(18,2), member months as INT64, a ratio as DECIMAL), in one loop.
                        StoreUnits(decoded, p, values.AsSpan(0, count), source.Scale + source.ExtraScale);
                        break;
                    }
                    if (n == count && source.Stored == Stored.Integer && plan.Kind == PlanKind.Flag && TryFlagsAll(values.AsSpan(0, count), (bool[])target))
                    {
                        break;
                    }
                    if (source.Stored == Stored.Decimal && n == count)
                    {
                        // Checked as other kinds (member months, percentages), still without a delegate call per value.
                        for (int r = 0; r < count; r++)
                        {
                            Number(r, Scaled(values[r], source.Scale + source.ExtraScale));
                        }
                        break;
                    }
                    if (source.Stored == Stored.Integer && n == count)
                    {
                        // Whole numbers without nulls (member months as INT64), without a delegate call per value.
                        for (int r = 0; r < count; r++)
                        {
                            Integer(r, values[r]);
                        }
                        break;
                    }
                    Expand(count, defs, source.MaxDefinition, n, (r, v) =>
                    {
                        if (source.Stored == Stored.Decimal)
                        {
                            Number(r, Scaled(values[v], source.Scale + source.ExtraScale));
                        }
                        else
                        {
                            Integer(r, values[v]);
                        }
                    }, Null);
                    break;
                }
            case ColumnReader<float> floats:
                {
                    var values = buffers.Values<float>(count);
                    int n = ReadAllLevels(floats, count, defs, values);
                    Expand(count, defs, source.MaxDefinition, n, (r, v) => Floating(r, values[v].ToString("R", CultureInfo.InvariantCulture)), Null);
                    break;
                }
            case ColumnReader<double> doubles:
                {
                    var values = buffers.Values<double>(count);
                    int n = ReadAllLevels(doubles, count, defs, values);
                    Expand(count, defs, source.MaxDefinition, n, (r, v) => Floating(r, values[v].ToString("R", CultureInfo.InvariantCulture)), Null);
                    break;
                }
            case ColumnReader<ByteArray> bytes:
                {
                    // A ByteArray points into the reader's page: use it before the next read.
                    var values = buffers.Values<ByteArray>(count);
                    int row = 0;
                    while (row < count)
                    {
                        long levels = bytes.ReadBatch(count - row, defs.AsSpan(row, count - row), Span<short>.Empty, values.AsSpan(), out long valuesRead);
                        if (levels == 0)
                        {
                            throw new InvalidDataException($"the column '{source.Name}' ends before the row group does");
                        }
                        int v = 0;
                        for (int i = 0; i < levels; i++, row++)
                        {
                            if (source.MaxDefinition > 0 && defs[row] < source.MaxDefinition)
                            {
                                Null(row);
                                continue;
                            }
                            var value = values[v++];
                            var span = InPlace(value.Pointer, value.Length);
                            if (source.Stored == Stored.Decimal)
                            {
                                NumberBytes(row, span, source.Scale + source.ExtraScale);
                            }
                            else
                            {
                                Text(row, span);
                            }
                        }
                    }
                    break;
                }
            case ColumnReader<FixedLenByteArray> fixedBytes:
                {
                    var values = buffers.Values<FixedLenByteArray>(count);
                    int length = fixedBytes.ColumnDescriptor.TypeLength;
                    int row = 0;
                    while (row < count)
                    {
                        long levels = fixedBytes.ReadBatch(count - row, defs.AsSpan(row, count - row), Span<short>.Empty, values.AsSpan(), out _);
                        if (levels == 0)
                        {
                            throw new InvalidDataException($"the column '{source.Name}' ends before the row group does");
                        }
                        int v = 0;
                        for (int i = 0; i < levels; i++, row++)
                        {
                            if (source.MaxDefinition > 0 && defs[row] < source.MaxDefinition)
                            {
                                Null(row);
                                continue;
                            }
                            NumberBytes(row, InPlace(values[v++].Pointer, length), source.Scale + source.ExtraScale);
                        }
                    }
                    break;
                }
            default:
                throw new InvalidOperationException($"No reader for the column '{source.Name}' ({reader.Type}).");
        }

        void Floating(int r, string text)
        {
            // Not money (refused at the schema): the shortest text that gives the stored double back, read exactly.
            if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value))
            {
                Problem(r, text.Any(char.IsDigit) ? ParseOutcome.TooManyDigits : ParseOutcome.Invalid, text);
                return;
            }
            if (plan.Kind == PlanKind.Flag || plan.Kind == PlanKind.Text || plan.Kind == PlanKind.Date)
            {
                Problem(r, ParseOutcome.Invalid, text);
                return;
            }
            Number(r, value);
        }

        // A DECIMAL stored as big-endian two's-complement bytes.
        void NumberBytes(int r, ReadOnlySpan<byte> bigEndian, int scale)
        {
            if (bigEndian.Length == 0 || bigEndian.Length > 16)
            {
                Problem(r, ParseOutcome.TooManyDigits, $"a {bigEndian.Length}-byte decimal");
                return;
            }
            Span<byte> wide = stackalloc byte[16];
            wide.Fill((bigEndian[0] & 0x80) != 0 ? (byte)0xFF : (byte)0);
            bigEndian.CopyTo(wide[(16 - bigEndian.Length)..]);
            var unscaled = BinaryPrimitives.ReadInt128BigEndian(wide);
            var magnitude = unscaled < 0 ? (UInt128)(-unscaled) : (UInt128)unscaled;
            if (magnitude >> 96 != 0 || scale > 28)
            {
                Problem(r, ParseOutcome.TooManyDigits, unscaled.ToString(CultureInfo.InvariantCulture) + $" (scale {scale})");
                return;
            }
            Number(r, new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), unscaled < 0, (byte)scale));
        }
    }

    /// <summary>Whether <see cref="TryScaleAll"/> can check a kind of column on its integers.</summary>
    private static bool IsCheckedAsWhole(PlanKind kind, int scale) => kind switch
    {
        PlanKind.Decimal => scale <= 28,
        PlanKind.MemberMonths => scale <= 17,
        PlanKind.Percent => scale <= 18,
        _ => false,
    };

    /// <summary>
    /// Integers without nulls (a DECIMAL's unscaled values, whole numbers, cents), each with <paramref name="scale"/>
    /// decimals, kept as the column's units (<see cref="StoreUnits"/>) when every one passes the check
    /// <see cref="ValueParsers.CheckNumber"/> makes for the column's kind, tested on the integers themselves (any
    /// number; member months 0 to 12; a fraction -1 to 1). False when the kind is checked otherwise or a value fails
    /// its check: then the values are read one by one and the problems reported at their rows.
    /// </summary>
    private static bool TryScaleAll(PlanKind kind, ReadOnlySpan<long> values, int scale)
    {
        if (!IsCheckedAsWhole(kind, scale))
        {
            return false;
        }
        long low = long.MinValue, high = long.MaxValue;
        if (kind == PlanKind.MemberMonths)
        {
            low = 0;
            high = 12 * Pow10(scale);
        }
        else if (kind == PlanKind.Percent)
        {
            high = Pow10(scale);
            low = -high;
        }
        if (kind != PlanKind.Decimal)
        {
            foreach (long v in values)
            {
                if (v < low || v > high)
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>
    /// A number column every value of which passed its check in one loop (<see cref="TryScaleAll"/>): the batch holds
    /// the integers themselves, units of the column's scale (ColumnBatch.TryGetUnits), instead of a decimal each. The
    /// decimal array it replaces waits in the spares for a batch that needs decimals.
    /// </summary>
    private void StoreUnits(Decoded decoded, int p, ReadOnlySpan<long> values, int scale)
    {
        int length = decoded.Columns[p].Length;
        var units = _spareUnits.TryTake(out var spare) && spare.Length == length ? spare : new long[length];
        values.CopyTo(units);
        if (decoded.Columns[p] is decimal[] decimals)
        {
            Spare(decimals);
        }
        decoded.Columns[p] = units;
        if (decoded.UnitScales is null)
        {
            decoded.UnitScales = new int[decoded.Columns.Length];
            Array.Fill(decoded.UnitScales, -1);
        }
        decoded.UnitScales[p] = scale;
    }

    private void Spare(Array array)
    {
        if (array is long[] units && _spareUnits.Count < RecycledSets * _plans.Length)
        {
            _spareUnits.Add(units);
        }
        else if (array is decimal[] decimals && _spareDecimals.Count < RecycledSets * _plans.Length)
        {
            _spareDecimals.Add(decimals);
        }
    }

    /// <summary>Flags stored as whole numbers without nulls, in one loop when every one is 1 or 0 (else one by one, with the problem at its row).</summary>
    private static bool TryFlagsAll(ReadOnlySpan<long> values, bool[] target)
    {
        foreach (long v in values)
        {
            if ((ulong)v > 1)
            {
                return false;
            }
        }
        for (int r = 0; r < values.Length; r++)
        {
            target[r] = values[r] == 1;
        }
        return true;
    }

    private static long Pow10(int n)
    {
        long p = 1;
        for (int i = 0; i < n; i++)
        {
            p *= 10;
        }
        return p;
    }

    /// <summary>An integer with <paramref name="scale"/> decimals (a DECIMAL's unscaled value, or cents): exact.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static decimal Scaled(long value, int scale)
    {
        ulong magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, value < 0, (byte)scale);
    }

    /// <summary>A value in ParquetSharp's page, read where it is: valid until the column reader's next read.</summary>
    private static unsafe ReadOnlySpan<byte> InPlace(IntPtr pointer, int length) =>
        length == 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>((void*)pointer, length);

    /// <summary>Reads <paramref name="count"/> rows' levels and values (values packed: nulls have none); returns the values read.</summary>
    private static int ReadAllLevels<T>(ColumnReader<T> reader, int count, short[] defs, T[] values)
        where T : unmanaged
    {
        int row = 0, value = 0;
        while (row < count)
        {
            long levels = reader.ReadBatch(count - row, defs.AsSpan(row), Span<short>.Empty, values.AsSpan(value), out long valuesRead);
            if (levels == 0)
            {
                throw new InvalidDataException("a column ends before its row group does");
            }
            row += (int)levels;
            value += (int)valuesRead;
        }
        return value;
    }

    /// <summary>Calls <paramref name="onValue"/> (row, index of its packed value) for each row with a value, and <paramref name="onNull"/> for the others.</summary>
    private static void Expand(int count, short[] defs, short maxDefinition, int values, Action<int, int> onValue, Action<int> onNull)
    {
        if (maxDefinition == 0 || values == count)
        {
            for (int r = 0; r < count; r++)
            {
                onValue(r, r);
            }
            return;
        }
        int v = 0;
        for (int r = 0; r < count; r++)
        {
            if (defs[r] < maxDefinition)
            {
                onNull(r);
            }
            else
            {
                onValue(r, v++);
            }
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Duplicate ids: the index keeps 64-bit hashes; a match is confirmed on the ids themselves, read again from the
    // file when the earlier row is in an earlier batch (rare: only true duplicates and hash collisions).

    private struct IdVerifier : IdIndex.IRowVerifier
    {
        private readonly ParquetMemberReader _reader;
        private readonly IdWriter _batchIds;
        private readonly int _row;
        private readonly long _batchStart;
        private readonly State _state;

        public IdVerifier(ParquetMemberReader reader, IdWriter batchIds, int row, long batchStart, State state)
        {
            _reader = reader;
            _batchIds = batchIds;
            _row = row;
            _batchStart = batchStart;
            _state = state;
        }

        public bool IsSameId(long row) =>
            row >= _batchStart
                ? _batchIds.At((int)(row - _batchStart)).SequenceEqual(_batchIds.At(_row))
                : _reader.IdOfRow(row, _state).SequenceEqual(_batchIds.At(_row));
    }

    /// <summary>The id of an earlier (0-based) row as its UTF-8 bytes, from its row group's id column, read again (the last group read is kept).</summary>
    private ReadOnlySpan<byte> IdOfRow(long row0, State state)
    {
        int g = Array.BinarySearch(_rowGroupStarts, row0);
        g = g >= 0 ? g : ~g - 1;
        while (g + 1 < _rowGroupStarts.Length - 1 && _rowGroupStarts[g + 1] <= row0)
        {
            g++;
        }
        if (state.CachedGroup != g)
        {
            using var rowGroup = _reader!.RowGroup(g);
            int rows = (int)(_rowGroupStarts[g + 1] - _rowGroupStarts[g]);
            var source = _sources[_idPlan];
            using var reader = rowGroup.Column(source.Column);
            // The same bytes as the decoding made: the text trimmed, a whole number's digits.
            var ids = new IdWriter(new byte[rows * 16], new int[rows]);
            var defs = new short[rows];
            Span<byte> digits = stackalloc byte[24];
            if (reader is ColumnReader<ByteArray> bytes)
            {
                var values = new ByteArray[rows];
                int row = 0;
                while (row < rows)
                {
                    long levels = bytes.ReadBatch(rows - row, defs.AsSpan(row), Span<short>.Empty, values.AsSpan(), out _);
                    if (levels == 0)
                    {
                        break;
                    }
                    int v = 0;
                    for (int i = 0; i < levels; i++, row++)
                    {
                        if (source.MaxDefinition == 0 || defs[row] == source.MaxDefinition)
                        {
                            var value = values[v++];
                            ids.Append(row, CsvSyntax.Trim(InPlace(value.Pointer, value.Length)));
                        }
                    }
                }
            }
            else if (reader is ColumnReader<long> or ColumnReader<int>)
            {
                var longs = new long[rows];
                int n;
                if (reader is ColumnReader<long> l)
                {
                    n = ReadAllLevels(l, rows, defs, longs);
                }
                else
                {
                    var ints = new int[rows];
                    n = ReadAllLevels((ColumnReader<int>)reader, rows, defs, ints);
                    for (int v = 0; v < n; v++)
                    {
                        longs[v] = ints[v];
                    }
                }
                int next = 0;
                for (int r = 0; r < rows; r++)
                {
                    if (source.MaxDefinition == 0 || n == rows || defs[r] == source.MaxDefinition)
                    {
                        longs[next++].TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
                        ids.Append(r, digits[..written]);
                    }
                }
            }
            ids.Finish(rows);
            state.CachedGroup = g;
            state.CachedIds = ids;
        }
        return state.CachedIds!.At((int)(row0 - _rowGroupStarts[g]));
    }

    private void Finish(State state, bool complete)
    {
        foreach (var d in _headerDiagnostics)
        {
            state.Add(d);
        }
        bool headerErrors = _headerDiagnostics.Any(d => d.IsError);
        if (_options.BadRows == BadRowPolicy.ExcludeBadRows && state.BadRows.Count > 0)
        {
            state.Add(DataDiagnostics.RowsExcluded(_file, state.BadRows.Count, state.BadRows.Sum(b => b.Dollars),
                _moneyPlans.Select(m => _plans[m].Header).ToList(), state.BadRows.Count(b => b.UnreadMoneyColumns.Count > 0)));
        }
        _result = new MemberReadResult(_file, state.RowsRead, state.RowsDelivered, state.BadRows, state.Bag.ToList(),
            _ignored, Array.Empty<string>(), null, complete && !headerErrors);
    }

    private sealed class BadRowDraft
    {
        public List<Diagnostic> Problems { get; } = new();
    }

    private sealed class State
    {
        public DiagnosticBag Bag { get; } = new();
        public long RowsRead { get; set; }
        public long RowsDelivered { get; set; }
        public int BatchIndex { get; set; }
        public List<BadRow> BadRows { get; } = new();
        public IdIndex? Ids { get; set; }
        public int CachedGroup { get; set; } = -1;
        public IdWriter? CachedIds { get; set; }
        public int Added { get; private set; }

        public bool Overflowed => Added > DiagnosticBag.Limit;

        public void Add(Diagnostic d)
        {
            Added++;
            Bag.Add(d);
        }
    }
}
