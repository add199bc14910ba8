#include "ShellCommand.h"

#include <QRegularExpression>
#include <stdexcept>

using namespace Qt::StringLiterals;

namespace forge::shell {

QString quote(const QString& argument)
{
    // No `=` (a leading word with one would be an assignment) and no `~` (tilde expansion).
    static const QRegularExpression plain(u"\\A[A-Za-z0-9_@%+:,./-]+\\z"_s);
    if (plain.match(argument).hasMatch())
        return argument;
    QString quoted = argument;
    quoted.replace(u'\'', u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

QString commandLine(const QStringList& argv, const QString& directory,
                    const QMap<QString, QString>& environment, const QStringList& pathPrefix)
{
    if (argv.isEmpty() || argv.first().isEmpty())
        throw std::invalid_argument("empty command");
    static const QRegularExpression name(u"\\A[A-Za-z_][A-Za-z0-9_]*\\z"_s);
    QStringList words;
    if (!environment.isEmpty()) {
        words << u"env"_s;
        for (auto it = environment.cbegin(); it != environment.cend(); ++it) {
            if (!name.match(it.key()).hasMatch())
                throw std::invalid_argument("invalid environment variable name");
            words << quote(it.key() + u'=' + it.value());
        }
        // env(1) would read a program name containing '=' as one more variable.
        if (argv.first().contains(u'='))
            throw std::invalid_argument("program name contains '='");
    }
    for (const QString& argument : argv)
        words << quote(argument);
    QString run = words.join(u' ');
    // The tool folders go before the sandbox's own PATH, which only the shell can read: exported
    // first, so that finding the program already uses them.
    if (!pathPrefix.isEmpty()) {
        for (const QString& folder : pathPrefix) {
            if (folder.contains(u':') || !folder.startsWith(u'/'))
                throw std::invalid_argument("a tool folder is not an absolute path without ':'");
        }
        run = u"export PATH=%1:\"$PATH\" && %2"_s.arg(quote(pathPrefix.join(u':')), run);
    }
    return directory.isEmpty() ? run : u"cd %1 && %2"_s.arg(quote(directory), run);
}

} // namespace forge::shell
