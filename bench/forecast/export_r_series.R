# Exports the real series shipped with R's datasets and forecast packages to
# bench/forecast/series/r_*.csv (format: docs/forecasting.md, "Benchmark").
# Run: Rscript bench/forecast/export_r_series.R bench/forecast/series
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "bench/forecast/series"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

write_series <- function(name, y, period, horizon, src) {
  y <- as.numeric(y)
  f <- file.path(out, paste0("r_", name, ".csv"))
  con <- file(f, "w")
  writeLines(sprintf("# period=%d horizon=%d source=%s", period, horizon, src), con)
  writeLines("value", con)
  writeLines(format(y, digits = 15, scientific = FALSE, trim = TRUE), con)
  close(con)
}

h_for <- function(m) if (m == 12) 18 else if (m == 4) 8 else 6
monthly_quarterly <- list(
  AirPassengers = AirPassengers, UKgas = UKgas, nottem = nottem, USAccDeaths = USAccDeaths,
  co2 = co2, ldeaths = ldeaths, mdeaths = mdeaths, fdeaths = fdeaths,
  UKDriverDeaths = UKDriverDeaths, JohnsonJohnson = JohnsonJohnson, austres = austres,
  Seatbelts_drivers = Seatbelts[, "drivers"], Seatbelts_front = Seatbelts[, "front"],
  sunspots_recent = window(sunspots, start = 1900), gas = forecast::gas,
  wineind = forecast::wineind, woolyrnq = forecast::woolyrnq, qgas = window(forecast::gas, start = 1970),
  nottem_short = window(nottem, start = 1934)
)
for (nm in names(monthly_quarterly)) {
  y <- monthly_quarterly[[nm]]
  write_series(nm, y, frequency(y), h_for(frequency(y)), paste0("R:", nm))
}
yearly <- list(Nile = Nile, lynx = lynx, LakeHuron = LakeHuron, BJsales = BJsales, airmiles = airmiles,
               discoveries = discoveries, nhtemp = nhtemp, uspop = uspop, sunspot.year = sunspot.year,
               lh = lh, WWWusage = WWWusage)
for (nm in names(yearly)) {
  write_series(nm, yearly[[nm]], 1, if (nm == "WWWusage" || nm == "BJsales") 10 else 6, paste0("R:", nm))
}
# taylor: half-hourly electricity demand; the last 6 weeks with the daily cycle.
tay <- tail(as.numeric(forecast::taylor), 48 * 42)
write_series("taylor_6w", tay, 48, 96, "R:forecast::taylor(last 6 weeks)")
