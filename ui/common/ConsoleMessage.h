#pragma once

#include <QString>

namespace forge::ui {

// A message the previewed page wrote to its JavaScript console; the preview pane produces them and
// the build log shows them, without either knowing the other.
struct ConsoleMessage
{
    enum class Level { Info, Warning, Error };

    Level level = Level::Info;
    QString message;
    int line = 0;
    QString source; // the script's URL, as the page reports it
};

} // namespace forge::ui
