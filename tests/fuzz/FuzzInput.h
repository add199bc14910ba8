#pragma once

// Shared by the fuzz targets and their replay program: how one fuzz input is read as structured
// data, and the checks a target makes. Everything here is plain C++ and Qt Core.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace forge::fuzz {

// A broken invariant is a finding like a crash: report it and abort, so that libFuzzer saves the
// input and the replay test fails.
[[noreturn]] inline void fail(const char* what)
{
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
}

inline void check(bool condition, const char* what)
{
    if (!condition)
        fail(what);
}

// A project's files packed into one input: each file starts with a line "== <path>", and runs up to
// the next such line. Text before the first marker is ignored. Easy to read, and mutations that add
// or rename files are a few bytes away.
inline QList<QPair<QByteArray, QByteArray>> unpackFiles(const QByteArray& input)
{
    QList<QPair<QByteArray, QByteArray>> files;
    qsizetype pos = input.startsWith("== ") ? 0 : input.indexOf("\n== ");
    if (pos < 0)
        return files;
    if (pos > 0)
        ++pos; // past the newline
    while (pos < input.size()) {
        const qsizetype nameStart = pos + 3;
        qsizetype nameEnd = input.indexOf('\n', nameStart);
        if (nameEnd < 0)
            nameEnd = input.size();
        const qsizetype next = input.indexOf("\n== ", nameEnd);
        const qsizetype contentStart = qMin(nameEnd + 1, input.size());
        const qsizetype contentEnd = next < 0 ? input.size() : next;
        files.append({input.mid(nameStart, nameEnd - nameStart),
                      input.mid(contentStart, qMax<qsizetype>(0, contentEnd - contentStart))});
        if (next < 0)
            break;
        pos = next + 1;
    }
    return files;
}

// An HTTP answer as one input: a first line with the status code, header lines "Name: value", an
// empty line, then the body. A missing status reads as 200; anything after the first empty line
// is body.
struct HttpMessage
{
    int statusCode = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
};

inline HttpMessage unpackHttpMessage(const QByteArray& input)
{
    HttpMessage message;
    qsizetype pos = 0;
    bool first = true;
    while (pos < input.size()) {
        qsizetype end = input.indexOf('\n', pos);
        if (end < 0)
            end = input.size();
        const QByteArray line = input.mid(pos, end - pos).trimmed();
        pos = end + 1;
        if (line.isEmpty())
            break;
        if (first) {
            first = false;
            bool ok = false;
            const int status = line.toInt(&ok);
            if (ok) {
                message.statusCode = status;
                continue;
            }
        }
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            message.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    if (pos < input.size())
        message.body = input.mid(pos);
    return message;
}

// Splits `input` into chunks whose sizes come from the input's own bytes (1 to 64), so that the
// fuzzer explores every way a stream can be cut; the first byte chooses, and is not part of the data.
inline QList<QByteArray> chunked(const QByteArray& input)
{
    QList<QByteArray> chunks;
    if (input.isEmpty())
        return chunks;
    const auto seed = static_cast<unsigned char>(input.front());
    const QByteArray data = input.mid(1);
    qsizetype pos = 0;
    unsigned step = seed;
    while (pos < data.size()) {
        step = step * 33 + 7;
        const qsizetype size = 1 + static_cast<qsizetype>(step % 64);
        chunks.append(data.mid(pos, size));
        pos += size;
    }
    return chunks;
}

} // namespace forge::fuzz
