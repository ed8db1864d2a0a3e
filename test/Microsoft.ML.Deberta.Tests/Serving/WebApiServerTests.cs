using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.Serving;

/// <summary>
/// samples/WebApi over a saved model (transformers' tiny reference classifier with its full tokenizer) on 127.0.0.1:
/// a concurrent burst over HTTP answers as <c>Transform</c> does, with labels by name; every kind of bad body is a 4xx
/// JSON error and the server stays healthy; a model that fails to load is reported by /readyz; SIGTERM lets in-flight
/// requests finish.
/// </summary>
[TestClass]
public sealed class WebApiServerTests
{
    private static string s_folder = "";
    private static string s_modelPath = "";
    private static WebApiServer? s_server;

    [ClassInitialize]
    public static async Task StartServer(TestContext context)
    {
        s_folder = Directory.CreateTempSubdirectory("deberta-webapi-tests-").FullName;
        s_modelPath = Path.Combine(s_folder, "model.zip");
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Texts(4));
        using (var model = mlContext.Transforms.Deberta.ApplyTextModel(GoldenData.Bundled("pipelines", "v1_seqcls"), batchSize: 8).Fit(data))
            DebertaModelIO.Save(mlContext, model, data.Schema, s_modelPath);
        s_server = await WebApiServer.StartAsync(s_modelPath, "--max-texts", "64");
        StringAssert.Contains(await s_server.WaitUntilLoadedAsync(), "\"ready\"", s_server.Output);
    }

    [ClassCleanup]
    public static void StopServer()
    {
        s_server?.Dispose();
        if (Directory.Exists(s_folder))
            Directory.Delete(s_folder, recursive: true);
    }

    private static WebApiServer Server => s_server ?? throw new InvalidOperationException("The server did not start.");

    private static List<BatchingPredictorTaskTests.TextInput> Texts(int count) =>
        SentimentRow.ReadTsv(Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt"))
            .Take(count).Select(r => new BatchingPredictorTaskTests.TextInput { Text = r.Text }).ToList();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpContent content)
    {
        // As curl does for large bodies: the server can refuse one before it is sent (else the refusal races the upload).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await Server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        StringAssert.StartsWith(response.Content.Headers.ContentType?.MediaType, "application/json", $"a JSON answer, not: {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [TestMethod]
    public async Task AConcurrentBurstOverHttpAnswersAsTransformWithLabelNames()
    {
        var rows = Texts(64);
        var mlContext = new MLContext(seed: 1);
        var model = DebertaModelIO.Load(mlContext, s_modelPath, out _);
        var scored = model.Transform(mlContext.Data.LoadFromEnumerable(rows));
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
        var names = keyValues.DenseValues().Select(v => v.ToString()).ToArray();
        var expected = mlContext.Data.CreateEnumerable<BatchingPredictorTaskTests.ClassOutput>(scored, reuseRowObject: false).ToArray();
        (model as IDisposable)?.Dispose();

        // 64 single-text requests at once, and the same texts in one request of many.
        var single = await Task.WhenAll(rows.Select(r => Post(Json(JsonSerializer.Serialize(new { text = r.Text })))));
        var many = await Post(Json(JsonSerializer.Serialize(new { texts = rows.Select(r => r.Text) })));
        Assert.AreEqual(HttpStatusCode.OK, many.Status, many.Body.ToString());
        var manyAnswers = many.Body.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.HasCount(rows.Count, manyAnswers);
        for (int i = 0; i < rows.Count; i++)
        {
            foreach (var answer in new[] { single[i].Body, manyAnswers[i] })
            {
                Assert.AreEqual(names[expected[i].PredictedLabel - 1], answer.GetProperty("label").GetString(), $"row {i}: {answer}");
                var scores = answer.GetProperty("scores");
                for (int c = 0; c < names.Length; c++)
                    Assert.AreEqual(expected[i].Score[c], scores.GetProperty(names[c]).GetSingle(), 1e-5, $"row {i}, class {names[c]}");
            }
        }
        StringAssert.Contains(await Server.Client.GetStringOrErrorAsync("/readyz"), "batching", "the default mode batches");
    }

    public sealed class RatedText
    {
        public string Text { get; set; } = "";

        public float Label { get; set; }
    }

    public sealed class ValueOutput
    {
        public float Score { get; set; }
    }

    [TestMethod]
    public async Task ARegressorAnswersWithItsValue()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Texts(8).Select((r, i) => new RatedText { Text = r.Text, Label = i % 3 }).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        string path = Path.Combine(s_folder, "regressor.zip");
        float[] expected;
        using (var model = mlContext.Transforms.Deberta.TextRegression(DebertaTestData.SmallConfig(), DebertaTestData.V1TokenizerFolder,
            maxLength: 32, epochs: 1).Fit(data))
        {
            DebertaModelIO.Save(mlContext, model, data.Schema, path);
            expected = [.. mlContext.Data.CreateEnumerable<ValueOutput>(model.Transform(data), reuseRowObject: false).Select(o => o.Score)];
        }

        using var server = await WebApiServer.StartAsync(path);
        StringAssert.Contains(await server.WaitUntilLoadedAsync(), "\"ready\"", server.Output);
        using var response = await server.Client.PostAsync("/predict", Json(JsonSerializer.Serialize(new { texts = rows.Select(r => r.Text) })));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, body.ToString());
        var answers = body.GetProperty("predictions").EnumerateArray().ToArray();
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(expected[i], answers[i].GetProperty("score").GetSingle(), 1e-5, $"row {i}: {answers[i]}");
            Assert.AreEqual(JsonValueKind.Null, answers[i].GetProperty("label").ValueKind, "a regressor has no label");
        }
    }

    [TestMethod]
    public async Task EveryBadBodyIsA4xxJsonErrorAndTheServerStaysHealthy()
    {
        var cases = new (string What, Func<HttpContent> Content, HttpStatusCode Status, string Says)[]
        {
            ("malformed JSON", () => Json("{\"texts\": [\"good\","), HttpStatusCode.BadRequest, "not valid JSON"),
            ("missing field", () => Json("{\"sentence\": \"good\"}"), HttpStatusCode.BadRequest, "\"text\""),
            ("not an object", () => Json("[\"good\"]"), HttpStatusCode.BadRequest, "\"texts\""),
            ("empty list", () => Json("{\"texts\": []}"), HttpStatusCode.BadRequest, "empty"),
            ("a number for a text", () => Json("{\"texts\": [\"good\", 5]}"), HttpStatusCode.BadRequest, "texts[1]"),
            ("an empty text", () => Json("{\"text\": \"  \"}"), HttpStatusCode.BadRequest, "empty"),
            ("10,000 texts", () => Json(JsonSerializer.Serialize(new { texts = Enumerable.Repeat("good", 10_000) })), HttpStatusCode.RequestEntityTooLarge, "at most 64"),
            ("a 5 MB text", () => Json(JsonSerializer.Serialize(new { text = new string('a', 5 << 20) })), HttpStatusCode.RequestEntityTooLarge, "limit"),
            ("wrong content type", () => new StringContent("{\"text\": \"good\"}", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, "application/json"),
        };
        foreach (var (what, content, status, says) in cases)
        {
            var (actual, body) = await Post(content());
            Assert.AreEqual(status, actual, $"{what}: {body}");
            StringAssert.Contains(body.GetProperty("error").GetString(), says, what);

            Assert.AreEqual("{\"status\":\"ok\"}", await Server.Client.GetStringAsync("/healthz"), $"after {what}");
            var (ok, answer) = await Post(Json("{\"text\": \"The food was great.\"}"));
            Assert.AreEqual(HttpStatusCode.OK, ok, $"a good request after {what}: {answer}");
        }
    }

    [TestMethod]
    public async Task AFullQueueIsA503WithRetryAfterAndTheServerRecovers()
    {
        // A queue of 2 and one row per batch: a request of 64 texts queues them faster than the model takes them.
        using var server = await WebApiServer.StartAsync(s_modelPath, "--queue", "2", "--max-batch", "1", "--max-wait-ms", "0");
        StringAssert.Contains(await server.WaitUntilLoadedAsync(), "\"ready\"");
        using var full = await server.Client.PostAsync("/predict", Json(JsonSerializer.Serialize(new { texts = Texts(64).Select(r => r.Text) })));
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.IsTrue(full.Headers.RetryAfter is not null, "Retry-After tells the client when to come back");
        StringAssert.Contains(await full.Content.ReadAsStringAsync(), "queue is full");
        using var ok = await server.Client.PostAsync("/predict", Json("{\"text\": \"The food was great.\"}"));
        Assert.AreEqual(HttpStatusCode.OK, ok.StatusCode, await ok.Content.ReadAsStringAsync());
    }

    [TestMethod]
    public async Task AModelThatFailsToLoadIsReportedByReadyzAndPredictRefuses()
    {
        string bad = Path.Combine(s_folder, "not-a-model.zip");
        File.WriteAllText(bad, "this is not a zip file");
        using var server = await WebApiServer.StartAsync(bad);
        var ready = await server.WaitUntilLoadedAsync();
        var body = JsonDocument.Parse(ready).RootElement;
        Assert.AreEqual("failed", body.GetProperty("status").GetString(), ready);
        Assert.IsGreaterThan(10, body.GetProperty("detail").GetString()!.Length, $"a reason: {ready}");
        using var readyz = await server.Client.GetAsync("/readyz");
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        using var predict = await server.Client.PostAsync("/predict", Json("{\"text\": \"good\"}"));
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, predict.StatusCode);
        StringAssert.Contains(await predict.Content.ReadAsStringAsync(), "/readyz");
        Assert.AreEqual("{\"status\":\"ok\"}", await server.Client.GetStringAsync("/healthz"), "the process itself is healthy");
    }

    [TestMethod]
    public async Task SigtermLetsInFlightRequestsFinishThenExitsCleanly()
    {
        // A long wait for company keeps the requests in flight while the signal arrives.
        using var server = await WebApiServer.StartAsync(s_modelPath, "--max-wait-ms", "1500", "--max-batch", "64");
        StringAssert.Contains(await server.WaitUntilLoadedAsync(), "\"ready\"");
        var inFlight = Texts(8).Select(r => server.Client.PostAsync("/predict", Json(JsonSerializer.Serialize(new { text = r.Text })))).ToArray();
        await Task.Delay(500);
        int exitCode = server.Terminate(TimeSpan.FromSeconds(60));
        foreach (var response in await Task.WhenAll(inFlight))
            Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, "a request in flight at SIGTERM is answered");
        Assert.AreEqual(0, exitCode, server.Output);
        StringAssert.Contains(server.Output, "Stopped cleanly");
    }
}
