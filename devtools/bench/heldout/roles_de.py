"""German role texts (postings from Germany, Austria and Switzerland)."""

from __future__ import annotations

from functools import partial

from devtools.bench.heldout.model import role

_de = partial(role, "de")

ROLES = (
    _de(
        "icu_nurse",
        ("hospital",),
        titles={
            "mid": (
                "Pflegefachkraft (m/w/d) Intensivstation",
                "Gesundheits- und Krankenpfleger (m/w/d) für die Intensivstation",
            ),
            "senior": ("Fachkrankenpfleger (m/w/d) für Anästhesie und Intensivpflege",),
            "manager": ("Stationsleitung (m/w/d) Interdisziplinäre Intensivstation",),
        },
        summary=(
            "Auf unserer interdisziplinären Intensivstation mit 18 Betten versorgen wir "
            "schwerstkranke Menschen nach großen Operationen, mit Sepsis oder Lungenversagen.",
            "Unsere operative Intensivstation arbeitet eng mit Anästhesie und Chirurgie "
            "zusammen; ein Betreuungsschlüssel von 1:2 ist bei uns gelebte Praxis.",
        ),
        duties=(
            "Pflege und Überwachung beatmeter Patientinnen und Patienten",
            "Betreuung von invasivem {hämodynamischen Monitoring} und Perfusoren",
            "Mitwirkung bei Notfällen, Reanimationen und Transporten",
            "Begleitung von Angehörigen in belastenden Situationen",
            "Pflegedokumentation im Patientendatenmanagementsystem {COPRA}",
        ),
        needs=(
            "Abgeschlossene Ausbildung als Pflegefachfrau/-mann oder Gesundheits- und "
            "Krankenpfleger/in",
            "{Fachweiterbildung Intensivpflege} wünschenswert",
            "Bereitschaft zum Schichtdienst",
        ),
        skills=(
            "Intensivpflege",
            "Beatmung",
            "Fachweiterbildung Intensivpflege",
            "COPRA",
            "hämodynamischen Monitoring",
        ),
        pay=("year", 64000.0),
        slots="mid berlin o; senior hamburg o; mid munich o; manager cologne o",
    ),
    _de(
        "medsurg_nurse",
        ("hospital",),
        titles={
            "junior": ("Pflegefachkraft (m/w/d) für die Normalstation - Berufseinstieg",),
            "mid": (
                "Pflegefachkraft (m/w/d) Innere Medizin",
                "Gesundheits- und Krankenpfleger (m/w/d) Allgemeinchirurgie",
            ),
        },
        summary=(
            "Auf unseren Normalstationen der Inneren Medizin und der Allgemeinchirurgie betreuen "
            "wir Menschen mit Herz-, Lungen- und Stoffwechselerkrankungen und nach Operationen.",
            "Unsere Normalstationen mit je 34 Betten versorgen internistische und chirurgische "
            "Patientinnen und Patienten; ein festes Team und verlässliche Dienstpläne sind uns "
            "wichtig.",
        ),
        duties=(
            "Grund- und Behandlungspflege nach aktuellen Standards",
            "Vorbereitung und Verabreichung von Medikamenten und Infusionen",
            "Professionelles {Wundmanagement}",
            "Aufnahme- und Entlassmanagement",
            "Anleitung von Auszubildenden",
        ),
        needs=(
            "Abgeschlossene Ausbildung in der Gesundheits- und Krankenpflege",
            "Teamgeist und Einfühlungsvermögen",
        ),
        skills=("Grundpflege", "Behandlungspflege", "Wundmanagement", "Entlassmanagement"),
        pay=("year", 58000.0),
        slots="mid berlin o; mid hamburg o pt; junior frankfurt o",
    ),
    _de(
        "backend",
        ("tech",),
        titles={
            "junior": ("Junior Backend-Entwickler (m/w/d) {Python}",),
            "mid": (
                "Backend-Entwickler (m/w/d) {Java}/{Kotlin}",
                "Softwareentwickler (m/w/d) Backend",
            ),
            "senior": (
                "Senior Softwareentwickler (m/w/d) Backend",
                "Senior Backend Developer (m/w/d)",
            ),
        },
        summary=(
            "Du entwickelst die serverseitigen Dienste und Schnittstellen unserer Plattform "
            "und sorgst dafür, dass sie auch unter Last stabil laufen.",
            "Im Backend-Team verantwortest du Services, Datenmodelle und APIs – von der "
            "Architektur bis zum Betrieb.",
        ),
        duties=(
            "Konzeption und Entwicklung von {REST-APIs} und Microservices",
            "Datenmodellierung und Optimierung in {PostgreSQL}",
            "Ereignisgesteuerte Verarbeitung mit {Kafka}",
            "Code-Reviews und automatisierte Tests",
            "Betrieb der Services in {Kubernetes} inklusive Rufbereitschaft",
        ),
        needs=(
            "Abgeschlossenes Studium der Informatik oder vergleichbare Qualifikation",
            "Sehr gute Deutsch- und gute Englischkenntnisse",
        ),
        skills=("Java", "Kotlin", "Spring Boot", "Python", "PostgreSQL", "Kafka", "Kubernetes"),
        pay=("year", 105000.0),
        slots="mid berlin h; senior hamburg h; junior cologne h; mid vienna r; senior zurich h",
    ),
    _de(
        "frontend",
        ("tech",),
        titles={
            "mid": ("Frontend-Entwickler (m/w/d) {React}",),
            "senior": ("Senior Frontend Developer (m/w/d) {Angular}",),
        },
        summary=(
            "Du baust Oberflächen, die unsere Kundinnen und Kunden gerne benutzen: schnell, "
            "barrierefrei und auf jedem Gerät.",
        ),
        duties=(
            "Entwicklung von Benutzeroberflächen mit {TypeScript}",
            "Umsetzung von Designs aus Figma in responsive Layouts mit {CSS}",
            "Pflege unserer Komponentenbibliothek",
            "Sicherstellung der {Barrierefreiheit} nach BITV",
        ),
        needs=("Mehrjährige Erfahrung in der Webentwicklung",),
        skills=("React", "Angular", "TypeScript", "CSS", "Barrierefreiheit"),
        pay=("year", 98000.0),
        slots="mid hamburg h; senior munich r",
    ),
    _de(
        "data_engineer",
        ("tech",),
        titles={
            "mid": ("Data Engineer (m/w/d)",),
            "senior": ("Senior Data Engineer (m/w/d) Energiedaten",),
        },
        summary=(
            "Du baust und betreibst die Datenstrecken, die Messwerte von Millionen Zählern in "
            "unser Data Warehouse bringen.",
        ),
        duties=(
            "Entwicklung von Batch- und Streaming-Pipelines mit {Spark}",
            "Orchestrierung mit {Airflow}",
            "Modellierung im Data Warehouse mit {dbt}",
            "Überwachung von Datenqualität und Kosten",
        ),
        needs=("Sehr gute Kenntnisse in {SQL} und {Python}",),
        skills=("Spark", "Airflow", "dbt", "SQL", "Python", "Azure"),
        pay=("year", 102000.0),
        slots="mid munich h; senior cologne r",
    ),
    _de(
        "payroll",
        ("office", "logistics"),
        titles={
            "mid": (
                "Lohn- und Gehaltsbuchhalter (m/w/d)",
                "Entgeltabrechner (m/w/d)",
                "Sachbearbeiter Personalabrechnung (m/w/d)",
            ),
        },
        summary=(
            "Du sorgst dafür, dass unsere Mitarbeitenden jeden Monat pünktlich und korrekt "
            "bezahlt werden.",
            "Sie übernehmen die monatliche Entgeltabrechnung für rund 1.200 Beschäftigte.",
        ),
        duties=(
            "Eigenständige Erstellung der monatlichen Lohn- und Gehaltsabrechnungen mit {DATEV}",
            "Pflege der Stammdaten und Bearbeitung von Ein- und Austritten",
            "Meldungen an Sozialversicherungsträger und Finanzamt",
            "Ansprechpartner für Fragen zu Abrechnung, Steuern und Sozialversicherung",
            "Erstellung von Auswertungen für die Buchhaltung",
        ),
        needs=(
            "Abgeschlossene kaufmännische Ausbildung mit Weiterbildung im Bereich Entgelt",
            "Fundierte Kenntnisse im Lohnsteuer- und Sozialversicherungsrecht",
        ),
        skills=("DATEV", "SAP HCM", "Lohnsteuerrecht", "Sozialversicherungsrecht"),
        pay=("year", 62000.0),
        slots="mid cologne h; mid hamburg o; mid frankfurt h pt",
    ),
    _de(
        "accounts_payable",
        ("office", "logistics"),
        titles={
            "junior": ("Sachbearbeiter Kreditorenbuchhaltung (m/w/d)",),
            "mid": ("Kreditorenbuchhalter (m/w/d)",),
        },
        summary=(
            "In der Kreditorenbuchhaltung prüfen und buchen Sie Eingangsrechnungen unserer "
            "Lieferanten.",
        ),
        duties=(
            "Prüfung, Kontierung und Buchung von Eingangsrechnungen",
            "Vorbereitung des Zahlungsverkehrs",
            "Klärung von Differenzen mit Lieferanten und Einkauf",
            "Abstimmung der Kreditorenkonten im Monatsabschluss mit {SAP FI}",
        ),
        needs=("Abgeschlossene kaufmännische Ausbildung",),
        skills=("SAP FI", "DATEV", "Kreditorenbuchhaltung", "Excel"),
        pay=("year", 55000.0),
        slots="mid cologne o; junior hamburg h",
    ),
    _de(
        "electrician",
        ("electrical",),
        titles={
            "junior": ("Elektroinstallateur (m/w/d) - auch Berufseinsteiger",),
            "mid": ("Elektriker (m/w/d)", "Elektroniker für Energie- und Gebäudetechnik (m/w/d)"),
        },
        summary=("Wir suchen Verstärkung für die Elektroinstallation in Wohn- und Gewerbebauten.",),
        duties=(
            "Installation von Leitungen, Schaltanlagen und Beleuchtung",
            "Prüfung elektrischer Anlagen nach {DGUV V3}",
            "Fehlersuche und Reparatur",
            "Installation von {KNX}-Gebäudetechnik",
        ),
        needs=(
            "Abgeschlossene Ausbildung als Elektroniker oder Elektriker",
            "Führerschein Klasse B",
        ),
        skills=("DGUV V3", "KNX", "Elektroinstallation", "Photovoltaik"),
        pay=("year", 58000.0),
        slots="mid munich o; mid munich o; junior munich o",
    ),
    _de(
        "hvac_tech",
        ("hvac",),
        titles={
            "mid": (
                "Kältetechniker (m/w/d)",
                "Servicetechniker Kälte- und Klimatechnik (m/w/d)",
                "Mechatroniker für Kältetechnik (m/w/d)",
            ),
        },
        summary=(
            "Sie sorgen dafür, dass Klimaanlagen, Kühlräume und Wärmepumpen unserer "
            "Gewerbekunden zuverlässig laufen.",
        ),
        duties=(
            "Wartung, Störungsbeseitigung und Reparatur von Klima- und Kälteanlagen",
            "Inbetriebnahme von {Wärmepumpen} und VRF-Systemen",
            "Dichtheitsprüfungen und Kältemittelrückgewinnung",
            "Dokumentation der Arbeiten per Tablet",
        ),
        needs=(
            "Abgeschlossene Ausbildung im Bereich Kälte- oder Klimatechnik",
            "{Kältemittel-Sachkunde} Kategorie I",
        ),
        skills=("Kältemittel-Sachkunde", "Wärmepumpen", "Klimatechnik", "Löten"),
        pay=("year", 60000.0),
        slots="mid hamburg o; mid frankfurt o",
    ),
    _de(
        "vet_tech",
        ("vet",),
        titles={
            "mid": (
                "Tiermedizinische Fachangestellte (m/w/d)",
                "TFA (m/w/d) für unsere Kleintierklinik",
            ),
        },
        summary=("Sie unterstützen unser Tierarztteam bei der Versorgung von Hunden und Katzen.",),
        duties=(
            "Assistenz bei Untersuchungen, Operationen und Zahnbehandlungen",
            "Narkoseüberwachung",
            "Anfertigung von {Röntgen}aufnahmen und Laboruntersuchungen",
            "Empfang, Terminvergabe und Beratung der Tierhalter",
        ),
        needs=("Abgeschlossene Ausbildung als Tiermedizinische Fachangestellte",),
        skills=("Narkoseüberwachung", "Röntgen", "Labordiagnostik", "Praxismanagement"),
        pay=("year", 40000.0),
        slots="mid cologne o; mid berlin o pt",
    ),
    _de(
        "truck_driver",
        ("logistics",),
        titles={
            "mid": (
                "Berufskraftfahrer (m/w/d) CE Fernverkehr",
                "LKW-Fahrer (m/w/d) Klasse CE Nahverkehr",
            ),
        },
        summary=("Sie fahren moderne Sattelzüge im nationalen und skandinavischen Verkehr.",),
        duties=(
            "Transport von Stückgut und Komplettladungen",
            "Be- und Entladen sowie Ladungssicherung",
            "Abfahrtskontrolle und Pflege des Fahrzeugs",
        ),
        needs=("{Führerschein CE} mit Schlüsselzahl 95", "{ADR-Schein} wünschenswert"),
        skills=("Führerschein CE", "ADR-Schein", "Ladungssicherung"),
        pay=("year", 46000.0),
        slots="mid hamburg o; mid stuttgart o",
    ),
    _de(
        "warehouse_associate",
        ("logistics",),
        titles={
            "junior": ("Lagermitarbeiter (m/w/d)", "Kommissionierer (m/w/d)"),
            "mid": ("Fachkraft für Lagerlogistik (m/w/d)", "Staplerfahrer (m/w/d)"),
        },
        summary=(
            "In unserem Logistikzentrum kommissionieren und versenden wir Waren für den Handel.",
        ),
        duties=(
            "Kommissionierung mit Handscanner",
            "Warenannahme und Kontrolle",
            "Verladung und Versand",
            "Bedienung von Flurförderzeugen",
        ),
        needs=("{Staplerschein} von Vorteil", "Zuverlässigkeit und Teamfähigkeit"),
        skills=("Staplerschein", "Kommissionierung", "SAP EWM", "Warenannahme"),
        pay=("year", 36000.0),
        slots="junior hamburg o; mid hamburg o company=pfefferkorn; junior frankfurt o tmp",
    ),
    _de(
        "auto_tech",
        ("auto",),
        titles={
            "mid": ("Kfz-Mechatroniker (m/w/d)",),
            "senior": ("Kfz-Meister (m/w/d) in der Werkstatt",),
        },
        summary=("Wartung und Reparatur von Pkw und Transportern in unserer Markenwerkstatt.",),
        duties=(
            "Inspektionen, Wartungs- und Reparaturarbeiten",
            "Fehlerdiagnose mit modernen Diagnosesystemen",
            "Arbeiten an {Hochvolt}-Fahrzeugen",
        ),
        needs=("Abgeschlossene Ausbildung als Kfz-Mechatroniker",),
        skills=("Fahrzeugdiagnose", "Hochvolt", "HU/AU"),
        pay=("year", 50000.0),
        slots="mid stuttgart o; senior stuttgart o",
    ),
)
