"""The language around a role's own text: headings, seniority and work-arrangement sentences,
pay, benefits, requisition lines and equal-opportunity statements, in English, German and
Spanish."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    duties_heading: tuple[str, ...]
    needs_heading: tuple[str, ...]
    skills_line: tuple[str, ...]
    level_line: dict[str, tuple[str, ...]]
    experience: dict[str, tuple[str, ...]]
    arrangement: dict[str, tuple[str, ...]]  # {city}, {country}
    employment: dict[str, tuple[str, ...]]
    pay_line: dict[str, str]  # by period: {lo}, {hi}
    benefits_heading: tuple[str, ...]
    benefits: dict[str, tuple[str, ...]]  # by sector, "" for any
    about_heading: tuple[str, ...]  # {company}
    code_line: tuple[str, ...]  # {code}
    equal_opportunity: tuple[str, ...]  # {company}
    countries: dict[str, str]
    and_word: str


EN = Phrases(
    duties_heading=("What you'll do:", "Responsibilities:", "In this role you will:", "The job:"),
    needs_heading=("What you bring:", "Qualifications:", "Requirements:", "About you:"),
    skills_line=(
        "Experience with {skills}.",
        "Hands-on knowledge of {skills}.",
        "Working knowledge of {skills} is expected.",
    ),
    level_line={
        "intern": (
            "This is a paid 12-week summer internship with a mentor and a real project.",
            "Interns join a team for one semester and ship work that customers use.",
        ),
        "junior": (
            "This is an entry-level opening and a good first step in the field.",
            "New graduates and career changers are welcome; we train on the job.",
        ),
        "mid": (
            "You will work independently on your own assignments within the team.",
            "You will own day-to-day work and help newer colleagues find their feet.",
        ),
        "senior": (
            "This is a senior position: you will set standards for the team and coach others.",
            "As a senior member of the team you will take the hardest problems and mentor others.",
        ),
        "lead": (
            "As the lead you will set direction across several teams and review their work.",
            "This lead role combines hands-on work with guiding a group of specialists.",
        ),
        "manager": (
            "You will lead a team of 6 to 12 people: hiring, coaching and reviews.",
            "You will manage the team's people, schedule and budget.",
        ),
    },
    experience={
        "intern": ("Currently enrolled in a degree or certificate program in a related field.",),
        "junior": (
            "0-2 years of experience, or a relevant degree, apprenticeship or training program.",
        ),
        "mid": ("3+ years of experience in a similar role.", "At least 2-4 years of experience."),
        "senior": ("6+ years of experience, including mentoring others.",),
        "lead": ("8+ years of experience, with a record of leading others.",),
        "manager": (
            "Experience managing a team, including hiring and performance reviews.",
            "3+ years of people-management experience.",
        ),
    },
    arrangement={
        "onsite": (
            "This position is on site at our {city} location.",
            "The role is based in {city}; the work is done on site.",
        ),
        "hybrid": (
            "Hybrid: three days a week in our {city} office, the rest from home.",
            "This is a hybrid role based in {city}.",
        ),
        "remote": (
            "This is a fully remote role open to candidates anywhere in {country}.",
            "Remote: work from anywhere in {country}, with a team get-together twice a year.",
        ),
    },
    employment={
        "part_time": ("This is a part-time position of 20 to 30 hours a week.",),
        "contract": ("This is a 6-month contract with a possible extension.",),
        "temporary": ("This is a temporary assignment for the coming season.",),
        "internship": ("This is an internship; housing support is available.",),
    },
    pay_line={
        "year": "Pay range: {lo} to {hi} a year, depending on experience.",
        "hour": "Pay: {lo} to {hi} per hour, plus overtime.",
        "month": "Pay: {lo} to {hi} a month.",
    },
    benefits_heading=("We offer:", "Benefits:", "What we offer:"),
    benefits={
        "": (
            "medical, dental and vision coverage from day one",
            "a 401(k) plan with a 4% match",
            "paid time off and paid holidays",
            "paid parental leave",
            "tuition reimbursement",
            "an employee assistance program",
        ),
        "hospital": (
            "a sign-on bonus for eligible candidates",
            "shift differentials for nights and weekends",
            "loan repayment assistance",
        ),
        "trades": (
            "a company vehicle and fuel card",
            "a yearly tool allowance",
            "paid training and certifications",
        ),
        "tech": ("a home-office stipend", "equity", "a yearly learning budget"),
        "logistics": ("weekly pay", "a safety bonus", "new equipment"),
        "hospitality": ("free shift meals", "flexible scheduling", "same-day pay"),
        "vet": ("pet care discounts", "continuing education allowance"),
    },
    about_heading=("About {company}:", "About us:", "Who we are:"),
    code_line=("Requisition ID: {code}", "Job ID: {code}", "Req #: {code}", "Reference: {code}"),
    equal_opportunity=(
        "{company} is an equal opportunity employer. All qualified applicants will receive "
        "consideration for employment without regard to race, color, religion, sex, sexual "
        "orientation, gender identity, national origin, disability or veteran status.",
        "We are proud to be an equal opportunity workplace and welcome applicants of every "
        "background. If you need an accommodation during the application process, let us know.",
        "{company} participates in E-Verify. Applicants with disabilities may request "
        "reasonable accommodations. We consider qualified applicants with arrest and "
        "conviction records.",
    ),
    countries={"US": "the United States", "GB": "the UK", "CA": "Canada", "IE": "Ireland"}
    | {"DE": "Germany", "AT": "Austria", "CH": "Switzerland", "ES": "Spain", "MX": "Mexico"},
    and_word="and",
)

DE = Phrases(
    duties_heading=("Ihre Aufgaben:", "Deine Aufgaben:", "Das erwartet Sie:"),
    needs_heading=("Ihr Profil:", "Dein Profil:", "Das bringen Sie mit:"),
    skills_line=("Erfahrung mit {skills}.", "Kenntnisse in {skills}."),
    level_line={
        "intern": ("Das Praktikum dauert sechs Monate und wird vergütet.",),
        "junior": (
            "Die Stelle eignet sich für Berufseinsteiger und Absolventen.",
            "Auch Berufseinsteiger sind herzlich willkommen; wir arbeiten Sie gründlich ein.",
        ),
        "mid": ("Sie arbeiten eigenverantwortlich in einem erfahrenen Team.",),
        "senior": (
            "Als erfahrene Fachkraft übernehmen Sie anspruchsvolle Aufgaben und geben Ihr "
            "Wissen an Kolleginnen und Kollegen weiter.",
        ),
        "lead": ("Sie übernehmen die fachliche Leitung eines Teams.",),
        "manager": ("Sie führen ein Team von 8 bis 15 Mitarbeitenden disziplinarisch.",),
    },
    experience={
        "intern": ("Laufendes Studium oder Ausbildung in einem passenden Bereich.",),
        "junior": ("Abgeschlossene Ausbildung oder Studium; erste Praxiserfahrung ist ein Plus.",),
        "mid": ("Mehrjährige Berufserfahrung in einer vergleichbaren Position.",),
        "senior": ("Mindestens fünf Jahre Berufserfahrung.",),
        "lead": ("Langjährige Berufserfahrung und Erfahrung in der fachlichen Führung.",),
        "manager": ("Führungserfahrung und Freude an der Entwicklung von Menschen.",),
    },
    arrangement={
        "onsite": ("Einsatzort ist {city}.", "Die Stelle ist in {city} vor Ort zu besetzen."),
        "hybrid": ("Hybrides Arbeiten: zwei Tage pro Woche im Büro in {city}.",),
        "remote": ("Die Stelle ist vollständig remote in ganz {country} möglich.",),
    },
    employment={
        "part_time": ("Die Stelle ist in Teilzeit (20 bis 30 Wochenstunden) zu besetzen.",),
        "contract": ("Die Stelle ist zunächst auf 12 Monate befristet.",),
        "temporary": ("Es handelt sich um eine befristete Saisonstelle.",),
        "internship": ("Es handelt sich um ein Pflichtpraktikum oder freiwilliges Praktikum.",),
    },
    pay_line={
        "year": "Gehalt: {lo} bis {hi} brutto im Jahr, je nach Erfahrung.",
        "hour": "Stundenlohn: {lo} bis {hi} brutto.",
        "month": "Gehalt: {lo} bis {hi} brutto im Monat.",
    },
    benefits_heading=("Wir bieten:", "Was wir bieten:", "Ihre Vorteile:"),
    benefits={
        "": (
            "30 Tage Urlaub",
            "betriebliche Altersvorsorge",
            "ein Deutschlandticket als Jobticket",
            "Weiterbildungsbudget",
            "flexible Arbeitszeiten",
            "Zuschuss zum Fitnessstudio",
        ),
        "hospital": ("Zuschläge für Nacht- und Wochenenddienste", "verlässliche Dienstpläne"),
        "trades": ("ein eigenes Servicefahrzeug", "moderne Werkzeuge"),
        "logistics": ("moderne Fahrzeuge", "pünktliche Bezahlung"),
    },
    about_heading=("Über uns:", "Wer wir sind:"),
    code_line=("Referenznummer: {code}", "Stellen-ID: {code}", "Kennziffer: {code}"),
    equal_opportunity=(
        "Wir freuen uns über Bewerbungen unabhängig von Geschlecht, Nationalität, ethnischer "
        "und sozialer Herkunft, Religion, Behinderung, Alter sowie sexueller Orientierung.",
        "Schwerbehinderte Bewerberinnen und Bewerber werden bei gleicher Eignung bevorzugt "
        "berücksichtigt.",
    ),
    countries={"DE": "Deutschland", "AT": "Österreich", "CH": "der Schweiz"},
    and_word="und",
)

ES = Phrases(
    duties_heading=("Funciones:", "Tus responsabilidades:", "¿Qué harás?"),
    needs_heading=("Requisitos:", "¿Qué buscamos?", "Perfil:"),
    skills_line=("Experiencia con {skills}.", "Conocimientos de {skills}."),
    level_line={
        "intern": ("Prácticas remuneradas de seis meses con posibilidad de incorporación.",),
        "junior": ("Puesto ideal para recién titulados o personas con poca experiencia.",),
        "mid": ("Trabajarás con autonomía dentro de un equipo consolidado.",),
        "senior": ("Buscamos un perfil senior que aporte criterio y forme a otros compañeros.",),
        "lead": ("Liderarás técnicamente a un equipo de especialistas.",),
        "manager": ("Dirigirás un equipo de 8 a 15 personas.",),
    },
    experience={
        "intern": ("Estudiante de grado o de formación profesional en un área afín.",),
        "junior": ("Formación relacionada; no se requiere experiencia previa.",),
        "mid": ("Al menos 3 años de experiencia en un puesto similar.",),
        "senior": ("Más de 5 años de experiencia.",),
        "lead": ("Más de 8 años de experiencia y experiencia liderando equipos.",),
        "manager": ("Experiencia previa en la gestión de equipos.",),
    },
    arrangement={
        "onsite": ("Trabajo presencial en {city}.", "El puesto es presencial en {city}."),
        "hybrid": ("Modalidad híbrida: tres días en la oficina de {city}.",),
        "remote": ("Trabajo 100 % remoto desde cualquier lugar de {country}.",),
    },
    employment={
        "part_time": ("Jornada parcial de 20 a 30 horas semanales.",),
        "contract": ("Contrato por obra o proyecto de 6 meses, prorrogable.",),
        "temporary": ("Contrato temporal para la campaña de verano.",),
        "internship": ("Convenio de prácticas con la universidad.",),
    },
    pay_line={
        "year": "Salario: {lo} a {hi} brutos anuales según experiencia.",
        "hour": "Salario: {lo} a {hi} por hora.",
        "month": "Sueldo: {lo} a {hi} mensuales.",
    },
    benefits_heading=("Ofrecemos:", "¿Qué ofrecemos?"),
    benefits={
        "": (
            "contrato indefinido",
            "seguro médico privado",
            "formación continua",
            "horario flexible",
            "ticket restaurante",
            "prestaciones superiores a las de ley",
        ),
        "hospital": ("plus de nocturnidad", "estabilidad y plan de carrera"),
        "logistics": ("vehículo nuevo", "dietas pagadas"),
    },
    about_heading=("Quiénes somos:", "Sobre nosotros:"),
    code_line=("Referencia: {code}", "Código de la oferta: {code}"),
    equal_opportunity=(
        "Promovemos la igualdad de oportunidades y la diversidad; todas las candidaturas "
        "serán valoradas sin distinción de género, origen, edad o discapacidad.",
        "{company} es una empresa comprometida con la igualdad y la inclusión laboral.",
    ),
    countries={"ES": "España", "MX": "México", "CO": "Colombia", "CL": "Chile"}
    | {"AR": "Argentina"},
    and_word="y",
)

PHRASES: dict[str, Phrases] = {"en": EN, "de": DE, "es": ES}

# employers whose benefits read like another sector's
BENEFITS_OF = {"hvac": "trades", "plumbing": "trades", "electrical": "trades", "auto": "trades"}
BENEFITS_OF |= {"restaurant": "hospitality", "cafe": "hospitality", "hotel": "hospitality"}
