// The toolbox's split log stream (docs/daytona-api.md §8) comes from the sandbox, so from the repository's
// commands: any bytes, markers cut anywhere. Output never grows, and the result is the same
// whichever way the stream was cut.

#include "FuzzInput.h"
#include "daytona/OutputDemultiplexer.h"

using namespace forge::daytona;
namespace fuzz = forge::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const QList<QByteArray> chunks = fuzz::chunked(input);
    OutputDemultiplexer demultiplexer;
    OutputDemultiplexer::Output streamed;
    const auto add = [&streamed](const OutputDemultiplexer::Output& part) {
        streamed.stdoutData += part.stdoutData;
        streamed.stderrData += part.stderrData;
    };
    for (const QByteArray& chunk : chunks)
        add(demultiplexer.feed(chunk));
    add(demultiplexer.finish());

    const QByteArray all = chunks.isEmpty() ? QByteArray() : input.mid(1);
    const OutputDemultiplexer::Output whole = OutputDemultiplexer::demultiplex(all);
    fuzz::check(streamed.stdoutData == whole.stdoutData && streamed.stderrData == whole.stderrData,
                "the streams depend on how the input was cut");
    fuzz::check(whole.stdoutData.size() + whole.stderrData.size() <= all.size(), "output larger than input");
    if (!OutputDemultiplexer::containsMarkers(all))
        fuzz::check(whole.stdoutData == all && whole.stderrData.isEmpty(), "unmarked input was changed");
    return 0;
}
