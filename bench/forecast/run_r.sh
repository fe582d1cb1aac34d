#!/bin/sh
# Runs R's forecast::ets() and auto.arima() on the benchmark series, then
# Tidemark's bench on the same files, and prints the Tidemark/R ratios.
#   bench/forecast/run_r.sh [BUILD_DIR] [SERIES_DIR]
# Installs R (Debian's r-cran-forecast) when it is missing; needs root for that.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
series=${2:-$here/series}
if ! Rscript -e 'library(forecast)' >/dev/null 2>&1; then
  echo "installing R and the forecast package (apt-get install r-cran-forecast)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y r-cran-forecast
fi
out=${TMPDIR:-/tmp}/tidemark-forecast-r.csv
Rscript "$here/run_r.R" "$series" "$out"
"$build/bin/bench_forecast" --series "$series" --r "$out" --out "${TMPDIR:-/tmp}/tidemark-forecast-tm.csv"
