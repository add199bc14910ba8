#include "core/DevServerOutputScanner.h"

#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

using Hint = ScannedLine::Hint;

QByteArray fixture(const QString& name)
{
    QFile file(QStringLiteral(FORGE_FIXTURES_DIR "/devserver-output/") + name + u".txt"_s);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

enum class Chunking { Whole, OneByte, Random };

struct Result
{
    QList<ScannedLine> lines;
    std::optional<ScannedLine> firstReady;
    bool portInUse = false;
};

Result run(const QByteArray& data, Chunking chunking, quint32 seed = 20240611)
{
    DevServerOutputScanner scanner;
    Result result;
    QRandomGenerator random(seed);
    qsizetype pos = 0;
    while (pos < data.size()) {
        qsizetype n = data.size();
        if (chunking == Chunking::OneByte)
            n = 1;
        else if (chunking == Chunking::Random)
            n = random.bounded(1, 64);
        n = std::min(n, data.size() - pos);
        result.lines += scanner.feed(data.mid(pos, n));
        pos += n;
    }
    result.lines += scanner.finish();
    result.firstReady = scanner.firstReady();
    result.portInUse = scanner.sawPortInUse();
    return result;
}

QStringList texts(const QList<ScannedLine>& lines)
{
    QStringList out;
    for (const ScannedLine& l : lines)
        out.append(l.text);
    return out;
}

// Run a single line through a fresh scanner.
ScannedLine scanOne(const QByteArray& bytes)
{
    const Result r = run(bytes + '\n', Chunking::Whole);
    Q_ASSERT(r.lines.size() == 1);
    return r.lines.constFirst();
}

} // namespace

class DevServerOutputScannerTest : public QObject
{
    Q_OBJECT

private slots:
    // Real captured dev-server output (tests/fixtures/devserver-output/README.md).
    void capturedOutput_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("readyText"); // the first ready line, cleaned; port 0: none
        QTest::addColumn<QString>("readyHost");
        QTest::addColumn<int>("readyPort");
        QTest::addColumn<int>("errorLines");

        QTest::newRow("vite") << u"vite"_s << u"  ➜  Local:   http://localhost:5173/"_s << u"localhost"_s
                              << 5173 << 0;
        QTest::newRow("express") << u"express"_s << u"Example app listening on port 3000"_s << QString()
                                 << 3000 << 0;
        QTest::newRow("next") << u"next"_s << u"  - Local:        http://localhost:3000"_s << u"localhost"_s
                              << 3000 << 0;
        QTest::newRow("astro") << u"astro"_s << u"┃ Local    http://localhost:4321/"_s << u"localhost"_s
                               << 4321 << 0;
        QTest::newRow("sveltekit") << u"sveltekit"_s << u"  ➜  Local:   http://localhost:5174/"_s
                                   << u"localhost"_s << 5174 << 0;
        QTest::newRow("nuxt") << u"nuxt"_s << u"  ➜ Local:    http://0.0.0.0:3001/"_s << u"0.0.0.0"_s << 3001
                              << 0;
        QTest::newRow("vue-cli") << u"vuecli"_s << u"  - Local:   http://localhost:8080/ "_s << u"localhost"_s
                                 << 8080 << 0;
        QTest::newRow("vue-cli with compile error")
            << u"vuecli-compile-error"_s << QString() << QString() << 0 << 2;
        QTest::newRow("angular") << u"angular"_s << u"  ➜  Local:   http://localhost:4200/"_s
                                 << u"localhost"_s << 4200 << 0;
        QTest::newRow("create-react-app")
            << u"cra"_s << u"  http://localhost:3002"_s << u"localhost"_s << 3002 << 0;
    }
    void capturedOutput()
    {
        QFETCH(QString, name);
        QFETCH(QString, readyText);
        QFETCH(QString, readyHost);
        QFETCH(int, readyPort);
        QFETCH(int, errorLines);

        const QByteArray data = fixture(name);
        const Result whole = run(data, Chunking::Whole);
        const Result bytes = run(data, Chunking::OneByte);
        const Result random = run(data, Chunking::Random);

        if (readyPort == 0) {
            // A failed compile: the server never said it was ready.
            QVERIFY(!whole.firstReady && !bytes.firstReady && !random.firstReady);
        } else {
            QVERIFY(whole.firstReady.has_value());
            QCOMPARE(whole.firstReady->hint, Hint::Ready);
            QCOMPARE(whole.firstReady->text, readyText);
            QCOMPARE(whole.firstReady->readyHost, readyHost);
            QCOMPARE(whole.firstReady->readyPort, readyPort);
        }
        QVERIFY(!whole.portInUse);

        // Every ready line agrees on the address; no other line is ready.
        int errors = 0;
        for (const ScannedLine& line : whole.lines) {
            if (line.hint == Hint::Ready)
                QCOMPARE(line.readyPort, readyPort);
            if (line.hint == Hint::Error)
                ++errors;
            for (const QChar c : line.text) {
                QVERIFY2(c == u'\t' || (c.unicode() >= 0x20 && c.unicode() != 0x7f &&
                                        !(c.unicode() >= 0x80 && c.unicode() <= 0x9f)),
                         qPrintable(u"control character left in: "_s + line.text));
            }
            // No colour code survived as text.
            QVERIFY2(!line.text.contains(QRegularExpression(u"\\[\\d+(;\\d+)*m"_s)), qPrintable(line.text));
        }
        QCOMPARE(errors, errorLines);

        // Chunking changes nothing.
        for (const Result* other : {&bytes, &random}) {
            QCOMPARE(texts(other->lines), texts(whole.lines));
            if (readyPort == 0)
                continue;
            QVERIFY(other->firstReady.has_value());
            QCOMPARE(other->firstReady->readyHost, readyHost);
            QCOMPARE(other->firstReady->readyPort, readyPort);
            QCOMPARE(other->firstReady->text, readyText);
            for (qsizetype i = 0; i < whole.lines.size(); ++i)
                QCOMPARE(int(other->lines.at(i).hint), int(whole.lines.at(i).hint));
        }
        // Several random seeds, to vary where the splits fall.
        for (quint32 seed : {1u, 2u, 3u, 99u}) {
            const Result r = run(data, Chunking::Random, seed);
            QCOMPARE(texts(r.lines), texts(whole.lines));
        }
    }

    void spinnerRedrawKeepsLastFrame()
    {
        // Next.js: "⠙" spinner, then ESC[1G ESC[0K and the real text.
        const Result r = run(fixture(u"next"_s), Chunking::Whole);
        QVERIFY(texts(r.lines).contains(u"  ▲ Next.js 14.2.35"_s));
        QVERIFY(texts(r.lines).contains(u" ✓ Ready in 1176ms"_s));
        // Vite's "ready in" line comes before its Local line and is not ready on its own.
        const Result vite = run(fixture(u"vite"_s), Chunking::Whole);
        for (const ScannedLine& l : vite.lines) {
            if (l.text.contains(u"ready in"_s))
                QCOMPARE(l.hint, Hint::None);
        }
    }

    void styledTextKeepsOnlyColourSequences()
    {
        DevServerOutputScanner scanner;
        // Colours kept; a title (OSC), a cursor move and a bell removed; a spinner frame overwritten
        // by a coloured final frame keeps the final frame's colour.
        const QList<ScannedLine> lines =
            scanner.feed("\x1b[32m\x1b[1mVITE\x1b[22m v5\x1b[39m \x1b]0;title\x07\x1b[2Aready\x07\n"
                         "spin\r\x1b[31mdone\x1b[0m\n"
                         "plain\n");
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0].text, u"VITE v5 ready"_s);
        QCOMPARE(lines[0].styledText, u"\x1b[32m\x1b[1mVITE\x1b[22m v5\x1b[39m ready"_s);
        QCOMPARE(lines[1].text, u"done"_s);
        QCOMPARE(lines[1].styledText, u"\x1b[31mdone\x1b[0m"_s);
        QCOMPARE(lines[2].styledText, u"plain"_s);
        // Private-mode and malformed sequences never reach the styled text.
        const QList<ScannedLine> hostile = scanner.feed("\x1b[?25l\x1b[>4;2mtext\x1b[38;5;196mred\n");
        QCOMPARE(hostile.size(), 1);
        QCOMPARE(hostile[0].styledText, u"text\x1b[38;5;196mred"_s);
    }

    // Ready-line formats of each framework, including ones the captures above do not show (older
    // versions, other hosts). Sources: the frameworks' own log strings (see the fixtures README).
    void readyFormats_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("hint");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        const int ready = int(Hint::Ready);
        const int none = int(Hint::None);

        QTest::newRow("vite local") << "  \xe2\x9e\x9c  Local:   http://localhost:5173/"_ba << ready
                                    << u"localhost"_s << 5173;
        QTest::newRow("vite network 0.0.0.0")
            << "  \xe2\x9e\x9c  Network: http://0.0.0.0:5173/"_ba << ready << u"0.0.0.0"_s << 5173;
        QTest::newRow("vite network LAN address")
            << "  \xe2\x9e\x9c  Network: http://192.168.1.20:5173/"_ba << none << QString() << 0;
        QTest::newRow("vite ready in alone") << "  VITE v5.4.0  ready in 300 ms"_ba << none << QString() << 0;
        QTest::newRow("vite IPv6 loopback")
            << "  \xe2\x9e\x9c  Local:   http://[::1]:5173/"_ba << ready << u"::1"_s << 5173;
        QTest::newRow("next legacy")
            << "ready - started server on 0.0.0.0:3000, url: http://localhost:3000"_ba << ready
            << u"localhost"_s << 3000;
        QTest::newRow("next 13+") << "   - Local:        http://localhost:3000"_ba << ready << u"localhost"_s
                                  << 3000;
        QTest::newRow("next ready in, nothing announced")
            << " \xe2\x9c\x93 Ready in 2.1s"_ba << none << QString() << 0;
        QTest::newRow("nuxt 3") << "  \xe2\x9e\x9c Local:    http://0.0.0.0:3000/"_ba << ready << u"0.0.0.0"_s
                                << 3000;
        QTest::newRow("nuxt legacy IPv6 any")
            << "Listening on http://[::]:3000"_ba << ready << u"::"_s << 3000;
        QTest::newRow("astro") << "\xe2\x94\x83 Local    http://localhost:4321/"_ba << ready << u"localhost"_s
                               << 4321;
        QTest::newRow("angular legacy")
            << "** Angular Live Development Server is listening on 0.0.0.0:4200, open your browser on "
               "http://localhost:4200/ **"_ba
            << ready << u"localhost"_s << 4200;
        QTest::newRow("angular 17+") << "  \xe2\x9e\x9c  Local:   http://localhost:4200/"_ba << ready
                                     << u"localhost"_s << 4200;
        QTest::newRow("vue cli") << "  - Local:   http://localhost:8080/"_ba << ready << u"localhost"_s
                                 << 8080;
        QTest::newRow("cra with LAN")
            << "  Local:            http://localhost:3000"_ba << ready << u"localhost"_s << 3000;
        QTest::newRow("express") << "Example app listening on port 3000"_ba << ready << QString() << 3000;
        QTest::newRow("node running at")
            << "Server running at http://127.0.0.1:3000/"_ba << ready << u"127.0.0.1"_s << 3000;
        QTest::newRow("listening on :port") << "Listening on :3000"_ba << ready << QString() << 3000;
        QTest::newRow("listening on :::port") << "listening on :::3000"_ba << ready << u"::"_s << 3000;
        QTest::newRow("listening on host:port")
            << "Server listening on 127.0.0.1:8000."_ba << ready << u"127.0.0.1"_s << 8000;
        QTest::newRow("static server")
            << "Serving /workspace/dist at http://0.0.0.0:8080/"_ba << ready << u"0.0.0.0"_s << 8080;
        QTest::newRow("evil host") << "  Local: http://evil.example:3000"_ba << none << QString() << 0;
        QTest::newRow("evil host with userinfo trick")
            << "  Local: http://localhost@evil.example:3000/"_ba << none << QString() << 0;
        QTest::newRow("evil host, then loopback")
            << "Local: http://evil.example:3000 http://localhost:3000"_ba << none << QString() << 0;
        QTest::newRow("evil host after listening")
            << "listening on evil.example:3000"_ba << none << QString() << 0;
        QTest::newRow("invalid port") << "  Local: http://localhost:99999/"_ba << none << QString() << 0;
        QTest::newRow("URL without context")
            << "GET http://localhost:3000/api 200"_ba << none << QString() << 0;
        QTest::newRow("link in OSC 8 is not text")
            << "\x1b]8;;http://evil.example:1/\x1b\\Local: http://localhost:5173/\x1b]8;;\x1b\\"_ba << ready
            << u"localhost"_s << 5173;
        QTest::newRow("colours inside URL")
            << "  \x1b[1mLocal\x1b[22m:   \x1b[36mhttp://localhost:\x1b[1m5173\x1b[22m/\x1b[39m"_ba << ready
            << u"localhost"_s << 5173;
    }
    void readyFormats()
    {
        QFETCH(QByteArray, line);
        QFETCH(int, hint);
        QFETCH(QString, host);
        QFETCH(int, port);
        const ScannedLine scanned = scanOne(line);
        QCOMPARE(int(scanned.hint), hint);
        QCOMPARE(scanned.readyHost, host);
        QCOMPARE(scanned.readyPort, port);
    }

    void readyInConfirmsAnnouncedAddress()
    {
        DevServerOutputScanner s;
        auto lines = s.feed(
            "  - Local:        http://localhost:3000\n \xe2\x9c\x93 Starting...\n \xe2\x9c\x93 Ready in 2.1s\n"_ba);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0).hint, Hint::Ready);
        QCOMPARE(lines.at(1).hint, Hint::None);
        QCOMPARE(lines.at(2).hint, Hint::Ready);
        QCOMPARE(lines.at(2).readyPort, 3000);
        QCOMPARE(s.firstReady()->text, u"  - Local:        http://localhost:3000"_s);
    }

    void portInUse_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("node") << "Error: listen EADDRINUSE: address already in use :::3000"_ba;
        QTest::newRow("vite") << "Port 5173 is in use, trying another one..."_ba;
        QTest::newRow("next") << " \xe2\xa8\xaf Failed to start server\nError: listen EADDRINUSE"_ba;
        QTest::newRow("generic") << "bind: address already in use"_ba;
        QTest::newRow("cra") << "Something is already running on port 3000."_ba;
        QTest::newRow("already in use") << "port 4200 is already in use."_ba;
    }
    void portInUse()
    {
        QFETCH(QByteArray, line);
        const Result r = run(line + '\n', Chunking::OneByte);
        QVERIFY(r.portInUse);
        QCOMPARE(r.lines.constLast().hint, Hint::PortInUse);
        QVERIFY(!r.firstReady);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("isError");
        QTest::newRow("Error:") << "Error: Cannot find module 'express'"_ba << true;
        QTest::newRow("TypeError") << "TypeError: Cannot read properties of undefined (reading 'map')"_ba
                                   << true;
        QTest::newRow("code in brackets")
            << "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'vite'"_ba << true;
        QTest::newRow("next bullet") << " \xe2\xa8\xaf Error: boom"_ba << true;
        QTest::newRow("npm ERR!") << "npm ERR! code ELIFECYCLE"_ba << true;
        QTest::newRow("tsc") << "src/main.ts(3,7): error TS2322: Type 'string' is not assignable"_ba << true;
        QTest::newRow("failed to compile") << "Failed to compile."_ba << true;
        QTest::newRow("uncaught") << "Uncaught Exception: something"_ba << true;
        QTest::newRow("unhandled rejection")
            << "[UnhandledPromiseRejection: This error originated]"_ba << true;
        QTest::newRow("vite internal")
            << "10:00:00 AM [vite] Internal server error: Failed to resolve import"_ba << true;
        QTest::newRow("esbuild") << "\xe2\x9c\x98 [ERROR] Could not resolve \"react\""_ba << true;
        QTest::newRow("webpack") << "ERROR in ./src/main.js 1:0"_ba << true;
        QTest::newRow("ordinary") << "compiled successfully, 0 errors"_ba << false;
        QTest::newRow("mentions error") << "Set errorOverlay: false to hide the error overlay"_ba << false;
        QTest::newRow("warning") << "Warning: React version not specified"_ba << false;
        QTest::newRow("error handler word") << "registered errorHandler middleware"_ba << false;
    }
    void errors()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, isError);
        QCOMPARE(scanOne(line).hint == Hint::Error, isError);
    }

    void hostile_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("OSC 52 clipboard write, BEL") << "before\x1b]52;c;cm0gLXJmIH4K\x07"
                                                        "after\n"_ba
                                                     << QStringList{u"beforeafter"_s};
        QTest::newRow("OSC 52 clipboard write, ST")
            << "a\x1b]52;c;cm0gLXJmIH4K\x1b\\b\n"_ba << QStringList{u"ab"_s};
        QTest::newRow("OSC 8 link keeps its text")
            << "see \x1b]8;;https://example.com\x1b\\the docs\x1b]8;;\x1b\\ now\n"_ba
            << QStringList{u"see the docs now"_s};
        QTest::newRow("OSC title") << "\x1b]0;title\x07text\n"_ba << QStringList{u"text"_s};
        QTest::newRow("unterminated OSC ends at newline")
            << "x\x1b]52;c;AAAA\nLocal: next line\n"_ba << QStringList{u"x"_s, u"Local: next line"_s};
        QTest::newRow("DCS and APC strings")
            << "a\x1bPq#0;1\x1b\\b\x1b_apc\x1b\\c\n"_ba << QStringList{u"abc"_s};
        QTest::newRow("CSI with private params")
            << "\x1b[?25lhidden cursor\x1b[?25h\n"_ba << QStringList{u"hidden cursor"_s};
        QTest::newRow("charset and keypad escapes") << "\x1b(B\x1b=\x1b"
                                                       "7ok\x1b"
                                                       "8\n"_ba
                                                    << QStringList{u"ok"_s};
        QTest::newRow("8-bit C1 CSI as UTF-8") << "a\xc2\x9b"
                                                  "31mb\n"_ba
                                               << QStringList{u"ab"_s};
        QTest::newRow("bare CR keeps last frame")
            << "10%\r50%\r100% done\n"_ba << QStringList{u"100% done"_s};
        QTest::newRow("CRLF is a newline") << "one\r\ntwo\r\n"_ba << QStringList{u"one"_s, u"two"_s};
        QTest::newRow("CR at end of line kept") << "text\r\r\n"_ba << QStringList{u"text"_s};
        QTest::newRow("erase line after CR") << "spinner\r\x1b[Kfinal\n"_ba << QStringList{u"final"_s};
        QTest::newRow("erase whole line") << "old\x1b[2K\x1b[1Gnew\n"_ba << QStringList{u"new"_s};
        QTest::newRow("NUL dropped") << "a\0b\0\0c\n"_ba << QStringList{u"abc"_s};
        QTest::newRow("other controls dropped") << "a\x01\x07\x08\x0b\x0c\x7f"
                                                   "b\tc\n"_ba
                                                << QStringList{u"ab\tc"_s};
        QTest::newRow("invalid UTF-8 replaced")
            << "bad \xff\xfe ok \xc3\x28 \xed\xa0\x80 end\n"_ba
            << QStringList{u"bad \uFFFD\uFFFD ok \uFFFD( \uFFFD\uFFFD\uFFFD end"_s};
        QTest::newRow("overlong encoding") << "\xc0\xafx\n"_ba << QStringList{u"\uFFFD\uFFFDx"_s};
        QTest::newRow("bidi override stripped") << "admin\xe2\x80\xae"
                                                   "txt.exe\n"_ba
                                                << QStringList{u"admintxt.exe"_s};
        QTest::newRow("lone ESC before newline") << "a\x1b\nb\n"_ba << QStringList{u"a"_s, u"b"_s};
        QTest::newRow("unterminated line at end") << "one\ntwo"_ba << QStringList{u"one"_s, u"two"_s};
        QTest::newRow("empty lines kept") << "\n\n"_ba << QStringList{QString(), QString()};
        QTest::newRow("only escapes") << "\x1b[2J\x1b[3J\x1b[H"_ba << QStringList{};
    }
    void hostile()
    {
        QFETCH(QByteArray, input);
        QFETCH(QStringList, expected);
        QCOMPARE(texts(run(input, Chunking::Whole).lines), expected);
        QCOMPARE(texts(run(input, Chunking::OneByte).lines), expected);
        QCOMPARE(texts(run(input, Chunking::Random, 7).lines), expected);
    }

    void multiByteCharacterSplitAcrossChunks()
    {
        DevServerOutputScanner s;
        const QByteArray arrow = "\xe2\x9e\x9c"_ba; // ➜
        QVERIFY(s.feed(arrow.left(1)).isEmpty());
        QVERIFY(s.feed(arrow.mid(1, 1)).isEmpty());
        QVERIFY(s.feed(arrow.mid(2) + "  Local:   http://localhost:5173/\x1b"_ba).isEmpty());
        const auto lines = s.feed("[39m\n"_ba);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.at(0).text, u"➜  Local:   http://localhost:5173/"_s);
        QCOMPARE(lines.at(0).hint, Hint::Ready);
    }

    void hugeLineIsBounded()
    {
        // 10 MB without a newline, fed in 64 KB chunks: nothing comes out until the end, and then
        // one cut line.
        DevServerOutputScanner s;
        const QByteArray chunk(64 * 1024, 'x');
        for (int i = 0; i < 160; ++i)
            QVERIFY(s.feed(chunk).isEmpty());
        const auto end = s.finish();
        QCOMPARE(end.size(), 1);
        QCOMPARE(end.at(0).text.size(), DevServerOutputScanner::MaxLineLength + 1);
        QVERIFY(end.at(0).text.endsWith(u'…'));

        // The same with a newline and a ready line after it: the scanner recovers.
        const auto lines = s.feed(QByteArray(10 * 1024 * 1024, 'y') + "\nListening on :3000\n"_ba);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0).text.size(), DevServerOutputScanner::MaxLineLength + 1);
        QCOMPARE(lines.at(1).hint, Hint::Ready);
        QCOMPARE(lines.at(1).readyPort, 3000);
    }

    void hugeEscapeSequenceIsBounded()
    {
        // A 10 MB OSC 52 payload (a clipboard write) costs nothing and shows nothing.
        DevServerOutputScanner s;
        QVERIFY(s.feed("a\x1b]52;c;"_ba).isEmpty());
        const QByteArray payload(1024 * 1024, 'Q');
        for (int i = 0; i < 10; ++i)
            QVERIFY(s.feed(payload).isEmpty());
        const auto lines = s.feed("\x07"
                                  "b\n"_ba);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.at(0).text, u"ab"_s);
    }

    void longMultiByteLineCutOnCharacterBoundary()
    {
        QByteArray line;
        for (int i = 0; i < DevServerOutputScanner::MaxLineLength; ++i)
            line += "\xf0\x9f\x98\x80"; // 😀, a surrogate pair in UTF-16
        const ScannedLine scanned = scanOne(line);
        QVERIFY(scanned.text.size() <= DevServerOutputScanner::MaxLineLength + 1);
        QVERIFY(scanned.text.endsWith(u'…'));
        const QString body = scanned.text.chopped(1);
        QVERIFY(!body.isEmpty() && !body.back().isHighSurrogate());
        QVERIFY(!body.contains(QChar(0xFFFD)));
    }

    void randomGarbageNeverCrashes()
    {
        QRandomGenerator random(12345);
        DevServerOutputScanner s;
        for (int round = 0; round < 200; ++round) {
            QByteArray chunk(random.bounded(1, 512), Qt::Uninitialized);
            for (char& c : chunk)
                c = char(random.bounded(256));
            for (const ScannedLine& l : s.feed(chunk))
                QVERIFY(l.text.size() <= DevServerOutputScanner::MaxLineLength + 1);
        }
        s.finish();
    }

    void stripTerminalSequences()
    {
        QCOMPARE(DevServerOutputScanner::stripTerminalSequences(
                     u"\x1b[31mred\x1b[0m and \x1b]8;;x\x07link\x1b]8;;\x07"_s),
                 u"red and link"_s);
        QCOMPARE(DevServerOutputScanner::stripTerminalSequences(u"tab\tkept\u0000"_s), u"tab\tkept"_s);
        QCOMPARE(DevServerOutputScanner::stripTerminalSequences(QString()), QString());
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::DevServerOutputScannerTest)
#include "tst_devserveroutputscanner.moc"
