#pragma once

#include <QString>
#include <QStringList>

namespace forge::ui {

// A run plan's argument vector shown as one editable line and read back: arguments with spaces or
// quotes are wrapped in double quotes, a literal quote inside them is written as three (the rules of
// QProcess::splitCommand). Nothing here ever reaches a shell.
QString joinCommand(const QStringList& argv);
QStringList splitCommand(const QString& line);

} // namespace forge::ui
