#include "app_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

#include <pwd.h>
#include <unistd.h>

namespace tidemark::app {

QString defaultStorePath()
{
    // GenericDataLocation honours XDG_DATA_HOME; the folder name is ours so
    // the GUI and the CLI share one store whatever their application names.
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("tidemark/tidemark.db"));
}

QString installedTranslationsDir()
{
    if (!QCoreApplication::instance())
        return {};
    return QDir::cleanPath(
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral(TIDEMARK_RELATIVE_TRANSLATIONS_DIR)));
}

QString currentUser()
{
    if (const passwd *pw = ::getpwuid(::getuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return qEnvironmentVariable("USER", QStringLiteral("unknown"));
}

} // namespace tidemark::app
