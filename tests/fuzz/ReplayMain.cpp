// The driver for builds without libFuzzer (GCC, the asan preset): runs a fuzz target over files, so
// that the seed corpora and every input that once crashed are replayed by CTest on every build.
//
//   replay_<target> [--write-corpus DIR] INPUT...
//
// An INPUT is a file, a folder (every file below it, recursively), or `projects:FOLDER`: each
// subfolder of FOLDER packed into one input as FuzzInput.h's unpackFiles() reads it (how the
// detection fixtures become run-plan inputs). A folder that does not exist holds no inputs. With
// --write-corpus the inputs are written to DIR (a seed corpus for libFuzzer) instead of run.

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

struct Input
{
    QString name;
    QByteArray data;
};

QStringList filesBelow(const QString& folder)
{
    QStringList files;
    QDirIterator it(folder, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

QByteArray read(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s: %s\n", qPrintable(path), qPrintable(file.errorString()));
        std::exit(2);
    }
    return file.readAll();
}

QByteArray packProject(const QString& folder)
{
    QByteArray packed;
    const QDir root(folder);
    for (const QString& path : filesBelow(folder)) {
        if (!packed.isEmpty())
            packed += '\n';
        packed += "== " + root.relativeFilePath(path).toUtf8() + '\n' + read(path);
    }
    return packed;
}

QList<Input> inputsFor(const QString& argument)
{
    QList<Input> inputs;
    if (argument.startsWith(QLatin1StringView("projects:"))) {
        const QDir folder(argument.mid(9));
        for (const QString& project : folder.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            inputs.append({project, packProject(folder.filePath(project))});
    } else if (QFileInfo(argument).isDir()) {
        const QDir folder(QFileInfo(argument).absoluteFilePath());
        for (const QString& path : filesBelow(folder.path())) {
            if (!QFileInfo(path).fileName().startsWith(u'.'))
                inputs.append({folder.relativeFilePath(path), read(path)});
        }
    } else if (QFileInfo::exists(argument)) {
        inputs.append({QFileInfo(argument).fileName(), read(argument)});
    }
    return inputs;
}

} // namespace

int main(int argc, char** argv)
{
    QString corpus;
    QList<Input> inputs;
    for (int i = 1; i < argc; ++i) {
        const QString argument = QString::fromLocal8Bit(argv[i]);
        if (argument == QLatin1StringView("--write-corpus") && i + 1 < argc)
            corpus = QString::fromLocal8Bit(argv[++i]);
        else
            inputs += inputsFor(argument);
    }
    if (inputs.isEmpty()) {
        std::fprintf(stderr, "no inputs: give files, folders or projects:FOLDER\n");
        return 2;
    }
    if (!corpus.isEmpty()) {
        QDir().mkpath(corpus);
        for (const Input& input : std::as_const(inputs)) {
            // Named by content, as libFuzzer names its own corpus files: the same seed twice is one.
            const QByteArray hash = QCryptographicHash::hash(input.data, QCryptographicHash::Sha1).toHex();
            QFile file(QDir(corpus).filePath(QString::fromLatin1(hash)));
            if (!file.open(QIODevice::WriteOnly) || file.write(input.data) != input.data.size()) {
                std::fprintf(stderr, "cannot write %s\n", qPrintable(file.fileName()));
                return 2;
            }
        }
        std::printf("wrote %lld inputs to %s\n", static_cast<long long>(inputs.size()), qPrintable(corpus));
        return 0;
    }
    for (const Input& input : std::as_const(inputs)) {
        // Named before running: when an input crashes the program, the last name printed is the one.
        std::printf("%s (%lld bytes)\n", qPrintable(input.name), static_cast<long long>(input.data.size()));
        std::fflush(stdout);
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data.constData()),
                               static_cast<size_t>(input.data.size()));
    }
    std::printf("replayed %lld inputs\n", static_cast<long long>(inputs.size()));
    return 0;
}
