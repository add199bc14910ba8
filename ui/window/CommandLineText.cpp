#include "CommandLineText.h"

using namespace Qt::StringLiterals;

namespace forge::ui {

QString joinCommand(const QStringList& argv)
{
    QStringList parts;
    parts.reserve(argv.size());
    for (const QString& argument : argv) {
        const bool needsQuotes = argument.isEmpty() || argument.contains(u' ') || argument.contains(u'\t') ||
                                 argument.contains(u'"');
        if (!needsQuotes) {
            parts.append(argument);
            continue;
        }
        QString quoted = argument;
        quoted.replace(u"\""_s, u"\"\"\""_s);
        parts.append(u'"' + quoted + u'"');
    }
    return parts.join(u' ');
}

QStringList splitCommand(const QString& line)
{
    // The inverse of joinCommand(). (QProcess::splitCommand drops empty quoted arguments.)
    QStringList argv;
    QString current;
    bool inQuotes = false;
    bool haveArgument = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == u'"') {
            if (inQuotes && line.mid(i, 3) == u"\"\"\""_s) {
                current.append(u'"');
                i += 2;
                continue;
            }
            inQuotes = !inQuotes;
            haveArgument = true;
        } else if (!inQuotes && c.isSpace()) {
            if (haveArgument)
                argv.append(current);
            current.clear();
            haveArgument = false;
        } else {
            current.append(c);
            haveArgument = true;
        }
    }
    if (haveArgument)
        argv.append(current);
    return argv;
}

} // namespace forge::ui
