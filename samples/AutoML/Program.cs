using Microsoft.ML;
using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.Deberta.Samples.AutoML;

// A Model Builder-style sweep over DeBERTa text models: see README.md, or run with --help.
SampleArguments arguments;
try
{
    arguments = SampleArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(SampleArguments.Usage);
    return 2;
}
if (arguments.ShowHelp)
{
    Console.WriteLine(SampleArguments.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the sweep and keeps the best model so far; a second one kills the process.
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    Console.Error.WriteLine("Stopping: the running trial is cancelled and the best model so far is kept (Ctrl+C again to quit at once).");
    cancel.Cancel();
};

try
{
    return new SampleRun(arguments, new MLContext(seed: arguments.Seed)).Execute(cancel.Token);
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
