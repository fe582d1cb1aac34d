#include "engine_types.h"

#include <QCoreApplication>

#include "model/connection_string.h"

namespace tidemark::ui {

EngineError EngineError::from(const tidemark::Error &e, const QString &uri)
{
    // Every engine error the window shows passes here: never with a password.
    return EngineError{toQString(tidemark::redactSecrets(e.message)), toQString(tidemark::redactSecrets(e.hint)),
                       e.code, uri};
}

QString EngineError::text() const
{
    if (hint.isEmpty())
        return message;
    return QCoreApplication::translate("tidemark::ui::EngineError", "%1 — what to do: %2").arg(message, hint);
}

double ApplyProgress::overall() const
{
    if (stepCount <= 0)
        return 0.0;
    const bool stepOver = status != tidemark::StepStatus::Running && status != tidemark::StepStatus::Pending;
    return (stepIndex + (stepOver ? 1.0 : stepFraction)) / stepCount;
}

QString toQString(const std::string &s)
{
    return QString::fromStdString(s);
}
std::string toStd(const QString &s)
{
    return s.toStdString();
}

} // namespace tidemark::ui
