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

bool isVariableName(const QString& name)
{
    static const QRegularExpression identifier(u"\\A[A-Za-z_][A-Za-z0-9_]*\\z"_s);
    return identifier.match(name).hasMatch();
}

QString commandLine(const QStringList& argv, const QString& directory,
                    const QMap<QString, QString>& environment, const QStringList& pathPrefix,
                    const QString& environmentFile)
{
    if (argv.isEmpty() || argv.first().isEmpty())
        throw std::invalid_argument("empty command");
    if (!environmentFile.isEmpty() && !environmentFile.startsWith(u'/'))
        throw std::invalid_argument("the environment file is not an absolute path");
    QStringList words;
    // With a file, the subshell becomes the program: no shell stays between the session and it.
    if (!environmentFile.isEmpty())
        words << u"exec"_s;
    if (!environment.isEmpty()) {
        words << u"env"_s;
        for (auto it = environment.cbegin(); it != environment.cend(); ++it) {
            if (!isVariableName(it.key()))
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
    if (!directory.isEmpty())
        run = u"cd %1 && %2"_s.arg(quote(directory), run);
    if (environmentFile.isEmpty())
        return run;
    // Read into a shell variable, then deleted, whatever reading did; only then evaluated, so that
    // even a line that ends the shell finds the file gone. The variable is not exported, and exec
    // drops it with the shell. (`. file` would read and run at once: a failing special built-in, such
    // as export of a read-only name, ends the shell before `rm`.)
    const QString file = quote(environmentFile);
    return u"( { __forge_env=$(cat -- %1); __forge_read=$?; rm -f -- %1; [ \"$__forge_read\" -eq 0 ]; } && "
           u"eval \"$__forge_env\" && %2 )"_s.arg(file, run);
}

QByteArray exportScript(const QMap<QString, QString>& environment)
{
    QString script;
    for (auto it = environment.cbegin(); it != environment.cend(); ++it) {
        if (!isVariableName(it.key()))
            throw std::invalid_argument("invalid environment variable name");
        if (it.value().contains(QChar(0)))
            throw std::invalid_argument("an environment value contains a NUL character");
        script += u"export "_s + it.key() + u'=' + quote(it.value()) + u'\n';
    }
    return script.toUtf8();
}

} // namespace forge::shell
