"""Fixed Japanese classifications used by organisations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Prefecture(models.TextChoices):
    """都道府県 with their JIS X 0401 codes."""

    HOKKAIDO = "01", _("Hokkaido")
    AOMORI = "02", _("Aomori")
    IWATE = "03", _("Iwate")
    MIYAGI = "04", _("Miyagi")
    AKITA = "05", _("Akita")
    YAMAGATA = "06", _("Yamagata")
    FUKUSHIMA = "07", _("Fukushima")
    IBARAKI = "08", _("Ibaraki")
    TOCHIGI = "09", _("Tochigi")
    GUNMA = "10", _("Gunma")
    SAITAMA = "11", _("Saitama")
    CHIBA = "12", _("Chiba")
    TOKYO = "13", _("Tokyo")
    KANAGAWA = "14", _("Kanagawa")
    NIIGATA = "15", _("Niigata")
    TOYAMA = "16", _("Toyama")
    ISHIKAWA = "17", _("Ishikawa")
    FUKUI = "18", _("Fukui")
    YAMANASHI = "19", _("Yamanashi")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIZUOKA = "22", _("Shizuoka")
    AICHI = "23", _("Aichi")
    MIE = "24", _("Mie")
    SHIGA = "25", _("Shiga")
    KYOTO = "26", _("Kyoto")
    OSAKA = "27", _("Osaka")
    HYOGO = "28", _("Hyogo")
    NARA = "29", _("Nara")
    WAKAYAMA = "30", _("Wakayama")
    TOTTORI = "31", _("Tottori")
    SHIMANE = "32", _("Shimane")
    OKAYAMA = "33", _("Okayama")
    HIROSHIMA = "34", _("Hiroshima")
    YAMAGUCHI = "35", _("Yamaguchi")
    TOKUSHIMA = "36", _("Tokushima")
    KAGAWA = "37", _("Kagawa")
    EHIME = "38", _("Ehime")
    KOCHI = "39", _("Kochi")
    FUKUOKA = "40", _("Fukuoka")
    SAGA = "41", _("Saga")
    NAGASAKI = "42", _("Nagasaki")
    KUMAMOTO = "43", _("Kumamoto")
    OITA = "44", _("Oita")
    MIYAZAKI = "45", _("Miyazaki")
    KAGOSHIMA = "46", _("Kagoshima")
    OKINAWA = "47", _("Okinawa")


class Industry(models.TextChoices):
    """日本標準産業分類 (JSIC, rev. 14) major divisions A–T."""

    A = "A", _("Agriculture and forestry")
    B = "B", _("Fisheries")
    C = "C", _("Mining and quarrying of stone and gravel")
    D = "D", _("Construction")
    E = "E", _("Manufacturing")
    F = "F", _("Electricity, gas, heat supply and water")
    G = "G", _("Information and communications")
    H = "H", _("Transport and postal activities")
    I = "I", _("Wholesale and retail trade")  # noqa: E741 (the official division letter)
    J = "J", _("Finance and insurance")
    K = "K", _("Real estate and goods rental and leasing")
    L = "L", _("Scientific research, professional and technical services")
    M = "M", _("Accommodations, eating and drinking services")
    N = "N", _("Living-related and personal services and amusement services")
    O = "O", _("Education, learning support")  # noqa: E741 (the official division letter)
    P = "P", _("Medical, health care and welfare")
    Q = "Q", _("Compound services")
    R = "R", _("Services, n.e.c.")
    S = "S", _("Government, except elsewhere classified")
    T = "T", _("Industries unable to classify")


class SizeBand(models.TextChoices):
    """Employee-count bands whose limits are the thresholds of the SME Basic Act
    (中小企業基本法): 5 and 20 employees for small businesses (小規模企業者: commerce/services
    and manufacturing), 50 / 100 / 300 for SMEs (retail / wholesale and services /
    manufacturing), so any of the Act's definitions can be answered from the band."""

    UP_TO_5 = "1-5", _("1–5 employees")
    UP_TO_20 = "6-20", _("6–20 employees")
    UP_TO_50 = "21-50", _("21–50 employees")
    UP_TO_100 = "51-100", _("51–100 employees")
    UP_TO_300 = "101-300", _("101–300 employees")
    UP_TO_1000 = "301-1000", _("301–1,000 employees")
    OVER_1000 = "1001+", _("more than 1,000 employees")
