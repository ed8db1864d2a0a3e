@echo off
rem One entry point for people and CI on Windows; same verbs as build.sh.
rem   build.cmd                        restore and build the solution (Release)
rem   build.cmd test [--filter EXPR]   build, then run the tests; ends with "N passed, M failed"
rem   build.cmd sample [FLAGS]         build, then run samples\AutoML (no flags: a ~3-minute sweep on bundled Yelp data)
rem   build.cmd pack                   write artifacts\packages\Microsoft.ML.Deberta.<version>.nupkg
rem   build.cmd serve [MODEL.zip] [FLAGS]  build, then serve a saved model over HTTP (samples\WebApi); loadtest: build.sh only
rem   build.cmd bench [FLAGS]          build, then measure speed against ONNX Runtime (bench\Microsoft.ML.Deberta.Bench\README.md)
rem   build.cmd soak [--minutes N]     mixed scoring on four threads for N minutes (default 30): errors and resident memory
rem   build.cmd exec -- COMMAND...     run any command (Windows loads TorchSharp as it is, so this just runs it)
rem   build.cmd public-api             rewrite test\...\PublicApi\PublicApi.txt from the built assembly
setlocal EnableDelayedExpansion
set "REPO=%~dp0"
set "REPO=%REPO:~0,-1%"
if "%CONFIGURATION%"=="" set "CONFIGURATION=Release"
set "VERB=%~1"
if "%VERB%"=="" set "VERB=build"

if /I "%VERB%"=="build" goto :build
if /I "%VERB%"=="test" goto :test
if /I "%VERB%"=="sample" goto :sample
if /I "%VERB%"=="pack" goto :pack
if /I "%VERB%"=="exec" goto :exec
if /I "%VERB%"=="serve" goto :serve
if /I "%VERB%"=="bench" goto :bench
if /I "%VERB%"=="soak" goto :soak
if /I "%VERB%"=="public-api" goto :publicapi
echo build.cmd: unknown verb '%VERB%' (build ^| test [--filter EXPR] ^| sample [FLAGS] ^| serve [MODEL.zip] [FLAGS] ^| bench [FLAGS] ^| soak [--minutes N] ^| pack ^| exec -- COMMAND... ^| public-api) 1>&2
exit /b 1

:build
dotnet build "%REPO%\Deberta.ML.sln" -c %CONFIGURATION% -nologo -v minimal
exit /b %ERRORLEVEL%

:test
set "FILTER="
if /I "%~2"=="--filter" (
  if "%~3"=="" ( echo build.cmd: --filter needs an expression 1>&2 & exit /b 1 )
  set "FILTER=--filter "%~3""
)
dotnet build "%REPO%\Deberta.ML.sln" -c %CONFIGURATION% -nologo -v minimal || exit /b 1
set "RESULTS=%REPO%\artifacts\test-results"
if exist "%RESULTS%" rmdir /s /q "%RESULTS%"
dotnet test "%REPO%\test\Microsoft.ML.Deberta.Tests\Microsoft.ML.Deberta.Tests.csproj" -c %CONFIGURATION% --no-build %FILTER% --logger "trx;LogFileName=results.trx" --logger "console;verbosity=detailed" --results-directory "%RESULTS%"
set "STATUS=%ERRORLEVEL%"
rem Count from the TRX file: a test host that ran nothing can still exit 0.
powershell -NoProfile -Command "$x=[xml](Get-Content '%RESULTS%\results.trx'); $c=$x.TestRun.ResultSummary.Counters; $f=[int]$c.failed+[int]$c.error; Write-Output ('{0} passed, {1} failed' -f $c.passed,$f); if ($f -gt 0 -or [int]$c.passed -eq 0) { exit 1 }"
if errorlevel 1 exit /b 1
exit /b %STATUS%

:serve
dotnet build "%REPO%\Deberta.ML.sln" -c %CONFIGURATION% -nologo -v minimal || exit /b 1
rem The model: the first argument unless it is a flag; else .\AutoML-output\model.zip, else a small one trained once.
shift
set "SERVE_ARGS="
set "FIRST=%~1"
if not "%FIRST%"=="" if not "%FIRST:~0,1%"=="-" goto :serve_args
if exist "%CD%\AutoML-output\model.zip" (
  set SERVE_ARGS="%CD%\AutoML-output\model.zip"
) else (
  set SERVE_ARGS=--train-tiny "%REPO%\.build\webapi\tiny-model.zip"
)
:serve_args
if "%~1"=="" goto :serve_run
set SERVE_ARGS=!SERVE_ARGS! "%~1"
shift
goto :serve_args
:serve_run
dotnet "%REPO%\samples\WebApi\bin\%CONFIGURATION%\net10.0\Microsoft.ML.Deberta.Samples.WebApi.dll" !SERVE_ARGS!
exit /b %ERRORLEVEL%

:sample
dotnet build "%REPO%\Deberta.ML.sln" -c %CONFIGURATION% -nologo -v minimal || exit /b 1
rem Every argument after the verb goes to the sample; without --output it writes to .\AutoML-output.
set "SAMPLE_ARGS="
set "HAS_OUTPUT="
shift
:sample_args
if "%~1"=="" goto :sample_run
if /I "%~1"=="--output" set "HAS_OUTPUT=1"
set SAMPLE_ARGS=!SAMPLE_ARGS! "%~1"
shift
goto :sample_args
:sample_run
if not defined HAS_OUTPUT set SAMPLE_ARGS=!SAMPLE_ARGS! --output "%CD%\AutoML-output"
dotnet "%REPO%\samples\AutoML\bin\%CONFIGURATION%\net10.0\Microsoft.ML.Deberta.Samples.AutoML.dll" !SAMPLE_ARGS!
exit /b %ERRORLEVEL%

:pack
dotnet pack "%REPO%\src\Microsoft.ML.Deberta\Microsoft.ML.Deberta.csproj" -c %CONFIGURATION% -nologo -v minimal
exit /b %ERRORLEVEL%

:exec
rem Same verb as build.sh, which runs the command in a Debian 13 root where libstdc++ is too old; Windows needs none.
shift
if "%~1"=="--" shift
if "%~1"=="" ( echo build.cmd: exec needs a command, e.g. build.cmd exec -- dotnet path\to\app.dll 1>&2 & exit /b 1 )
set "EXEC_ARGS="
:exec_args
if "%~1"=="" goto :exec_run
set EXEC_ARGS=!EXEC_ARGS! "%~1"
shift
goto :exec_args
:exec_run
!EXEC_ARGS!
exit /b %ERRORLEVEL%

:bench
dotnet build "%REPO%\Deberta.ML.sln" -c %CONFIGURATION% -nologo -v minimal || exit /b 1
rem From the repository: the anchor defaults to ..\shared\bench\ort-anchor and the work folder to artifacts\bench.
set "BENCH_ARGS="
shift
:bench_args
if "%~1"=="" goto :bench_run
set BENCH_ARGS=!BENCH_ARGS! "%~1"
shift
goto :bench_args
:bench_run
pushd "%REPO%"
dotnet "%REPO%\bench\Microsoft.ML.Deberta.Bench\bin\%CONFIGURATION%\net10.0\Microsoft.ML.Deberta.Bench.dll" !BENCH_ARGS!
set "STATUS=%ERRORLEVEL%"
popd
exit /b %STATUS%

:soak
set "MINUTES=30"
if /I "%~2"=="--minutes" set "MINUTES=%~3"
rem Seconds = minutes x 60 (whole minutes: cmd has integer arithmetic only).
set /a DEBERTA_SOAK_SECONDS=%MINUTES%*60
call "%~f0" test --filter "TestCategory=Soak"
exit /b %ERRORLEVEL%

:publicapi
set "DEBERTA_UPDATE_PUBLIC_API=1"
call "%~f0" test --filter "FullyQualifiedName~PublicApiTests.ThePublicSurfaceMatchesTheBaseline"
exit /b %ERRORLEVEL%
