using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Samples.AutoML;

/// <summary>
/// A delimited text file as an IDataView: tab-separated when the first line has a tab, else comma-separated (quotes
/// allowed). Columns take the header's names, or <c>col0</c>, <c>col1</c>, … without one; every column is text except a
/// regression label, read as a number.
/// </summary>
internal sealed class TabularDataset
{
    private readonly TextLoader.Column[] _columns;
    private readonly char _separator;
    private readonly bool _hasHeader;

    private TabularDataset(TextLoader.Column[] columns, char separator, bool hasHeader)
    {
        _columns = columns;
        _separator = separator;
        _hasHeader = hasHeader;
    }

    public IReadOnlyList<string> ColumnNames => [.. _columns.Select(c => c.Name)];

    public char Separator => _separator;

    /// <summary>Reads the layout from the file's first line; <paramref name="numericColumn"/> (a name or index) is read as Single.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is empty.</exception>
    public static TabularDataset Describe(string path, bool hasHeader, string? numericColumn)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The dataset '{Path.GetFullPath(path)}' does not exist.", path);
        var first = File.ReadLines(path).FirstOrDefault(l => l.Trim().Length > 0)
            ?? throw new InvalidDataException($"The dataset '{path}' is empty.");
        char separator = first.Contains('\t') ? '\t' : ',';
        var cells = first.Split(separator);
        var names = hasHeader ? cells.Select(c => c.Trim().Trim('"')).ToArray() : [.. Enumerable.Range(0, cells.Length).Select(i => $"col{i}")];
        var dataset = new TabularDataset([], separator, hasHeader);
        int numeric = numericColumn is null ? -1 : dataset.IndexIn(names, numericColumn, "label");
        var columns = names.Select((n, i) => new TextLoader.Column(n, i == numeric ? DataKind.Single : DataKind.String, i)).ToArray();
        return new TabularDataset(columns, separator, hasHeader);
    }

    /// <summary>The name of a column given by name or 0-based index.</summary>
    /// <exception cref="ArgumentException">No such column.</exception>
    public string Resolve(string nameOrIndex, string role) => _columns[IndexIn([.. _columns.Select(c => c.Name)], nameOrIndex, role)].Name;

    /// <summary>Loads a file of this layout.</summary>
    public IDataView Load(MLContext mlContext, string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The dataset '{Path.GetFullPath(path)}' does not exist.", path);
        return mlContext.Data.LoadFromTextFile(path, _columns, _separator, _hasHeader, allowQuoting: _separator == ',', trimWhitespace: false);
    }

    private int IndexIn(IReadOnlyList<string> names, string nameOrIndex, string role)
    {
        int byName = names.ToList().IndexOf(nameOrIndex);
        if (byName >= 0) return byName;
        if (int.TryParse(nameOrIndex, out int index) && index >= 0 && index < names.Count) return index;
        throw new ArgumentException($"The {role} column '{nameOrIndex}' is neither a column name nor an index below {names.Count}; the columns are: " +
            $"{string.Join(", ", names.Select((n, i) => $"{i}={n}"))}{(_hasHeader ? "" : " (pass --has-header true if the first line names them)")}.");
    }
}
