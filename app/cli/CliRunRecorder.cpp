#include "CliRunRecorder.h"

#include "store/Database.h"
#include "store/ProjectStore.h"
#include "store/RunStore.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace forge::cli {

CliRunRecorder::CliRunRecorder(const QString& dataDirectory, const Project& project)
{
    const QString path = QDir(dataDirectory).filePath(u"forge-preview.db"_s);
    // The project row first: runs belong to a project. One the desktop app already has (with a
    // kept plan, another back end) is left as it is.
    {
        ProjectStore projects(path);
        const bool loaded = projects.load();
        m_setAsideNotice = projects.setAsideNotice();
        if (!loaded) {
            m_problem = projects.errorString();
        } else if (!projects.find(project.id)) {
            projects.put(project);
            if (!projects.save())
                m_problem = projects.errorString();
        }
    }
    if (m_problem.isEmpty()) {
        QString error;
        m_database = Database::open(path, &error);
        if (!m_database)
            m_problem = error;
    }
    if (m_database)
        m_runs = std::make_unique<RunStore>(*m_database);
    m_recorder = std::make_unique<RunRecorder>(m_runs.get(), project.id);
    if (m_problem.isEmpty() && !m_recorder->isDurable())
        m_problem = m_runs->lastError();
}

CliRunRecorder::~CliRunRecorder()
{
    // In this order: the recorder flushes the log through the store, which uses the database.
    m_recorder.reset();
    m_runs.reset();
    m_database.reset();
}

} // namespace forge::cli
