"""Customs exchange rates: the rates an administrator keeps, as the customs administration
publishes them for each period, and the one conversion routing rules and risk profiles
use to compare a customs value with an amount in another currency."""
