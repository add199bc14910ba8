#include "core/EnvFile.h"

#include <QHash>
#include <QRegularExpression>
#include <utility>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// A quoted value longer than this many lines is taken for a quote that never closes: a PEM key is
// ~30 lines, and scanning a whole large file again for every stray quote would be quadratic.
constexpr int MaxQuotedLines = 1000;

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

QStringView trimmedStart(QStringView text)
{
    qsizetype i = 0;
    while (i < text.size() && text.at(i).isSpace())
        ++i;
    return text.mid(i);
}

// A comment's text without its `#` and the decoration around it: "# ---- Database ----" gives
// "Database", "########" nothing.
QString commentText(QStringView comment)
{
    static const QRegularExpression decoration(u"^[\\s#*=~-]+|[\\s#*=~-]+$"_s);
    return comment.toString().remove(decoration);
}

// `# OLD_NAME=value`: an assignment turned off, not a description of the next entry.
bool isCommentedOutAssignment(const QString& text)
{
    static const QRegularExpression assignment(u"^(export\\s+)?[A-Za-z_][A-Za-z0-9_]*\\s*="_s);
    return assignment.match(text).hasMatch();
}

// A name is shown in a problem only when it cannot be a value: the text before `=` on a broken line
// may be a pasted token or a connection string with its password.
QString shownName(QStringView name)
{
    static const QRegularExpression harmless(u"^[A-Za-z0-9_.-]{1,64}$"_s);
    const QString text = name.toString();
    return harmless.match(text).hasMatch() ? u"“%1”"_s.arg(text) : u"the text before ="_s;
}

QString unescapeDoubleQuoted(QStringView raw)
{
    QString value;
    value.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QChar c = raw.at(i);
        if (c != u'\\' || i + 1 == raw.size()) {
            value.append(c);
            continue;
        }
        const QChar next = raw.at(++i);
        if (next == u'n')
            value.append(u'\n');
        else if (next == u'r')
            value.append(u'\r');
        else if (next == u't')
            value.append(u'\t');
        else if (next == u'"' || next == u'\\')
            value.append(next);
        else
            value.append(c).append(next);
    }
    return value;
}

// Where the quote opened at text[0] closes, or -1. Only double quotes have escapes.
qsizetype closingQuote(QStringView text)
{
    const QChar quote = text.front();
    for (qsizetype i = 1; i < text.size(); ++i) {
        if (quote == u'"' && text.at(i) == u'\\')
            ++i;
        else if (text.at(i) == quote)
            return i;
    }
    return -1;
}

// Reads the lines one entry at a time; `m_index` is the next line to read.
class Parser
{
public:
    Parser(const QString& text, EnvFile::Kind kind)
        : m_kind(kind)
    {
        QString normalized = text;
        if (normalized.startsWith(QChar(0xFEFF)))
            normalized.remove(0, 1);
        normalized.replace(u"\r\n"_s, u"\n"_s);
        m_lines = normalized.split(u'\n');
    }

    EnvFile run()
    {
        while (m_index < m_lines.size())
            readLine();
        return std::move(m_file);
    }

private:
    void readLine()
    {
        const int lineNumber = int(m_index) + 1;
        QStringView rest = trimmedStart(m_lines.at(m_index++));
        if (rest.isEmpty()) {
            m_comments.clear(); // a blank line ends the comment block above an entry
            return;
        }
        if (rest.startsWith(u'#')) {
            const QString comment = commentText(rest);
            if (!comment.isEmpty() && !isCommentedOutAssignment(comment))
                m_comments.append(comment);
            return;
        }
        if (rest.startsWith(u"export"_s) && rest.size() > 6 && isBlank(rest.at(6)))
            rest = trimmedStart(rest.mid(7));

        const qsizetype equals = rest.indexOf(u'=');
        if (equals < 0)
            readBareName(rest, lineNumber);
        else
            readAssignment(rest.left(equals).trimmed(), rest.mid(equals + 1), lineNumber);
        m_comments.clear();
    }

    void readBareName(QStringView line, int lineNumber)
    {
        const auto [text, comment] = splitComment(line);
        const QString name = text.trimmed().toString();
        if (m_kind == EnvFile::Kind::Example && ProjectEnvironment::isValidName(name))
            add(EnvEntry{name, QString(), hint(comment), lineNumber});
        else
            problem(lineNumber, u"the line is not NAME=value"_s);
    }

    void readAssignment(QStringView name, QStringView afterEquals, int lineNumber)
    {
        if (!ProjectEnvironment::isValidName(name.toString())) {
            problem(lineNumber, u"%1 is not a variable name (letters, digits and _, not starting with a "
                                "digit)"_s.arg(shownName(name)));
            return;
        }
        const QStringView value = trimmedStart(afterEquals);
        if (!value.isEmpty() && (value.front() == u'"' || value.front() == u'\'' || value.front() == u'`')) {
            readQuoted(name.toString(), value.toString(), lineNumber);
            return;
        }
        // Not trimmed first: `NAME= # comment` is an empty value with a comment.
        const auto [unquoted, comment] = splitComment(afterEquals);
        add(EnvEntry{name.toString(), unquoted.trimmed().toString(), hint(comment), lineNumber});
    }

    void readQuoted(const QString& name, QString text, int lineNumber)
    {
        const qsizetype firstLine = m_index - 1;
        qsizetype close = closingQuote(text);
        qsizetype next = m_index;
        while (close < 0 && next < m_lines.size() && next - firstLine < MaxQuotedLines) {
            text += u'\n' + m_lines.at(next++);
            close = closingQuote(text);
        }
        if (close < 0) {
            // Only this line is skipped: the lines after it are read as they are.
            problem(lineNumber, u"the quote after %1= is not closed"_s.arg(name));
            return;
        }
        m_index = next;
        const QStringView after = QStringView(text).mid(close + 1).trimmed();
        if (!after.isEmpty() && !after.startsWith(u'#')) {
            problem(lineNumber, u"%1 has text after its closing quote"_s.arg(name));
            return;
        }
        const QStringView raw = QStringView(text).mid(1, close - 1);
        const QString value = text.front() == u'"' ? unescapeDoubleQuoted(raw) : raw.toString();
        add(EnvEntry{name, value, hint(after), lineNumber});
    }

    // The text before a ` #` (a `#` after a blank; `NAME=#x` is a value), and the comment after it.
    static std::pair<QStringView, QStringView> splitComment(QStringView text)
    {
        for (qsizetype i = 0; i < text.size(); ++i) {
            if (text.at(i) == u'#' && i > 0 && isBlank(text.at(i - 1)))
                return {text.left(i), text.mid(i)};
        }
        return {text, QStringView()};
    }

    QString hint(QStringView trailingComment) const
    {
        QStringList parts = m_comments;
        if (const QString trailing = commentText(trailingComment); !trailing.isEmpty())
            parts.append(trailing);
        return parts.join(u' ');
    }

    void add(const EnvEntry& entry)
    {
        const auto earlier = m_positions.constFind(entry.name);
        if (earlier == m_positions.cend()) {
            m_positions.insert(entry.name, m_file.entries.size());
            m_file.entries.append(entry);
            return;
        }
        EnvEntry& replaced = m_file.entries[*earlier];
        problem(
            entry.line,
            u"%1 is set again (first on line %2); this value is used"_s.arg(entry.name).arg(replaced.line));
        replaced = entry;
    }

    void problem(int lineNumber, const QString& text)
    {
        m_file.problems.append(u"line %1: %2"_s.arg(lineNumber).arg(text));
    }

    EnvFile::Kind m_kind;
    QStringList m_lines;
    qsizetype m_index = 0;
    QStringList m_comments; // the comment block above the line being read
    QHash<QString, qsizetype> m_positions;
    EnvFile m_file;
};

} // namespace

EnvFile EnvFile::parse(const QString& text, Kind kind)
{
    return Parser(text, kind).run();
}

EnvFile EnvFile::parse(const QByteArray& utf8, Kind kind)
{
    return parse(QString::fromUtf8(utf8), kind);
}

QStringList EnvFile::names() const
{
    QStringList result;
    for (const EnvEntry& entry : entries)
        result.append(entry.name);
    return result;
}

QString EnvFile::namesOnly(const ProjectEnvironment& environment)
{
    QString text;
    for (const EnvironmentVariable& variable : environment.variables)
        text += variable.name + u"=\n"_s;
    return text;
}

ProjectEnvironment EnvFile::toEnvironment(const QList<EnvEntry>& entries, QStringList* problems)
{
    ProjectEnvironment environment;
    for (const EnvEntry& entry : entries) {
        if (const QString problem = ProjectEnvironment::nameProblem(entry.name); !problem.isEmpty()) {
            if (problems)
                problems->append(u"line %1: %2"_s.arg(entry.line).arg(problem));
            continue;
        }
        environment.set(EnvironmentVariable{
            entry.name, entry.value, ProjectEnvironment::looksSecret(entry.name), EnvironmentStep::Run});
    }
    return environment;
}

} // namespace forge
