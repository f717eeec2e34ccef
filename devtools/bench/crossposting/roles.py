"""Role families of the cross-posting set and the ways boards write a job title.

A family holds what an employer writes about one kind of job (missions, duties, needs) and
the specialties or shifts it is advertised with. A title is rendered from a
:class:`TitleSpec`: abbreviated seniority ("Sr.", "Mgr."), the numeral ("II", "2",
"Level 2"), a gender marker ("(m/w/d)", "(H/F)"), a suffix (" - Berlin", " - Full Time"),
the specialty before or after the core ("Backend Engineer" / "Engineer, Backend") and the
punctuation between them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    key: str
    core: str  # "Software Engineer"
    quals: tuple[tuple[str, ...], ...]  # specialties, teams or shifts, each with its spellings
    prefix: bool  # a specialty reads naturally before the core ("Backend Software Engineer")
    levels: tuple[str, ...]
    numerals: bool
    period: str  # salary period the employer states: "year" or "hour"
    pay: float  # mid-level pay in USD per period
    etypes: tuple[str, ...]
    office: bool  # may be hybrid or remote
    unit: str  # "the engineering team": who the job joins when no specialty names a team
    missions: tuple[str, ...]
    duties: tuple[str, ...]
    needs: tuple[str, ...]
    tags: tuple[str, ...]


_TABLE = """
== software_engineer
core: Software Engineer
quals: Backend/Back-End/Back End; Frontend/Front-End/Front End; Full-Stack/Full Stack/Fullstack; Mobile; Platform; Payments; Search; Infrastructure
prefix: yes
levels: Junior; ; Senior; Staff; Lead
numerals: yes
pay: year 125000
etypes: full_time full_time full_time contract
office: yes
unit: engineering team
mission: build and run the services behind our products, from the first design sketch to production
mission: turn product ideas into fast, well-tested features that customers rely on every day
mission: make our systems simpler, faster and easier to change for every engineer who touches them
duty: Design, build and operate services that handle millions of requests a day
duty: Write clean, well-tested code and review the code of your teammates
duty: Work closely with product managers and designers to shape new features
duty: Improve monitoring, alerting and on-call practices for the services you own
duty: Break large projects into small, safe releases
duty: Mentor other engineers and share what you learn in tech talks
duty: Investigate production incidents and fix their root causes
duty: Keep our dependencies, build pipelines and documentation in good shape
duty: Evaluate new tools and libraries and make pragmatic choices
need: Several years of experience building production software
need: Solid knowledge of at least one of Python, Go, Java or TypeScript
need: Experience with relational databases such as PostgreSQL
need: Familiarity with cloud platforms and containers
need: A habit of writing tests and clear documentation
need: Good communication skills in English
need: Curiosity and a calm approach to solving hard problems
tags: Python; Go; Java; TypeScript; PostgreSQL; Kubernetes; AWS

== data_engineer
core: Data Engineer
quals: Analytics; Streaming; ML Platform; Data Platform
prefix: yes
levels: Junior; ; Senior; Lead
numerals: yes
pay: year 120000
etypes: full_time full_time contract
office: yes
unit: data team
mission: build reliable pipelines that turn raw events into data the whole company can trust
mission: run the data platform our analysts and data scientists depend on
duty: Build and maintain batch and streaming pipelines
duty: Model data in our warehouse so analysts can answer questions quickly
duty: Monitor data quality and fix broken pipelines before anyone notices
duty: Work with analysts and data scientists to understand their needs
duty: Automate deployments of data jobs with infrastructure as code
duty: Reduce the cost and run time of our largest jobs
duty: Document datasets and their owners
duty: Introduce good practices for testing data transformations
need: Strong SQL and experience with a modern data warehouse
need: Experience with Python and an orchestration tool such as Airflow
need: Knowledge of Kafka, Spark or a similar processing framework
need: Understanding of data modelling and data quality
need: Experience with a major cloud provider
need: A structured, reliable way of working
need: Fluent English
tags: SQL; Python; Airflow; Kafka; Spark; dbt

== data_scientist
core: Data Scientist
quals: Pricing; Forecasting; Marketing; Risk
prefix: yes
levels: Junior; ; Senior; Lead
numerals: no
pay: year 130000
etypes: full_time full_time
office: yes
unit: analytics team
mission: use data and statistics to improve the decisions we make every day
mission: build models that make our products smarter and our operations more efficient
duty: Build, validate and monitor statistical and machine learning models
duty: Design and analyse experiments with product teams
duty: Turn business questions into clear analyses and recommendations
duty: Present your findings to stakeholders and leadership
duty: Work with engineers to bring models into production
duty: Build dashboards that teams actually use
duty: Improve our forecasting methods
duty: Keep up with new methods and share them with the team
need: A degree in statistics, mathematics, computer science or a related field
need: Experience with Python or R and SQL
need: Solid understanding of statistics and experimental design
need: Experience putting models into production
need: The ability to explain complex results simply
need: A pragmatic attitude towards modelling
need: Fluent English
tags: Python; R; SQL; scikit-learn; statistics; A/B testing

== devops_engineer
core: DevOps Engineer
quals: Cloud; Site Reliability; Build and Release
prefix: yes
levels: Junior; ; Senior; Lead
numerals: yes
pay: year 120000
etypes: full_time full_time contract
office: yes
unit: platform team
mission: keep our infrastructure reliable, secure and easy for developers to use
mission: automate everything between a merged pull request and a happy customer
duty: Operate and improve our Kubernetes clusters
duty: Maintain CI/CD pipelines used by every development team
duty: Manage infrastructure as code with Terraform
duty: Improve observability with metrics, logs and traces
duty: Take part in an on-call rotation and lead incident reviews
duty: Harden our systems and keep them patched
duty: Help teams plan capacity and reduce cloud costs
duty: Write runbooks and internal documentation
need: Experience running production systems on Linux
need: Hands-on knowledge of Kubernetes and Docker
need: Experience with Terraform or a similar tool
need: Scripting skills in Bash, Python or Go
need: Knowledge of networking fundamentals
need: A calm head during incidents
need: Good English
tags: Kubernetes; Terraform; AWS; Linux; Prometheus; CI/CD

== product_manager
core: Product Manager
quals: Growth; Checkout; Payments; Platform; Mobile
prefix: yes
levels: Associate; ; Senior; Lead
numerals: no
pay: year 135000
etypes: full_time full_time
office: yes
unit: product team
mission: decide what we build next and make sure it solves real problems for our customers
mission: lead a cross-functional team from discovery to launch and beyond
duty: Own the roadmap for your product area
duty: Talk to customers every week and turn what you learn into clear problems
duty: Write concise requirements and prioritise the backlog
duty: Define success metrics and track them after launch
duty: Work closely with engineering, design and marketing
duty: Present plans and results to leadership
duty: Run experiments to validate ideas quickly
duty: Coordinate launches with sales and customer support
need: Experience as a product manager in a digital product company
need: A track record of shipping products customers love
need: Strong analytical skills and comfort with data
need: Excellent written and spoken communication
need: Experience working with agile teams
need: The ability to say no with good reasons
need: Fluent English; another European language is a plus
tags: product management; roadmaps; agile; analytics; discovery

== product_designer
core: UX Designer
quals: Mobile; Design Systems; Research
prefix: yes
levels: Junior; ; Senior; Lead
numerals: no
pay: year 110000
etypes: full_time full_time contract
office: yes
unit: design team
mission: design simple, accessible experiences for the people who use our products
mission: shape how customers experience our products, from research to polished screens
duty: Plan and run user research and usability tests
duty: Create user flows, wireframes and high-fidelity prototypes
duty: Contribute to and maintain our design system
duty: Work closely with product managers and engineers
duty: Make sure our products are accessible to everyone
duty: Present design decisions and the reasons behind them
duty: Measure the impact of your designs after launch
need: A portfolio that shows your process, not only final screens
need: Experience with Figma
need: Knowledge of accessibility guidelines
need: Experience with user research methods
need: Good communication and presentation skills
need: Curiosity about how people use technology
tags: Figma; UX; user research; prototyping; accessibility

== qa_engineer
core: QA Engineer
quals: Automation; Mobile; Performance
prefix: yes
levels: Junior; ; Senior
numerals: yes
pay: year 95000
etypes: full_time contract
office: yes
unit: quality team
mission: make sure every release we ship works as our customers expect
mission: build the test automation that lets our teams release with confidence
duty: Design test plans for new features
duty: Build and maintain automated end-to-end tests
duty: Run exploratory testing before major releases
duty: Report bugs clearly and follow them up to resolution
duty: Integrate tests into our CI pipelines
duty: Help developers write better unit and integration tests
duty: Track quality metrics and report on them
need: Experience in software testing and quality assurance
need: Experience with test automation frameworks such as Playwright or Selenium
need: Basic programming skills in Python, Java or JavaScript
need: Understanding of APIs and how to test them
need: An eye for detail
need: Good English
tags: test automation; Selenium; Playwright; QA; API testing

== security_engineer
core: Security Engineer
quals: Application; Cloud; Detection and Response
prefix: yes
levels: ; Senior; Lead
numerals: no
pay: year 140000
etypes: full_time full_time
office: yes
unit: security team
mission: protect our customers' data and help every team build securely
mission: find and fix weaknesses in our systems before attackers do
duty: Review designs and code for security issues
duty: Run threat modelling sessions with product teams
duty: Manage our vulnerability scanning and bug bounty programme
duty: Respond to security incidents and lead investigations
duty: Improve identity and access management
duty: Build security tooling that developers enjoy using
duty: Help us meet ISO 27001 and SOC 2 requirements
need: Experience in application or cloud security
need: Knowledge of common vulnerabilities and how to prevent them
need: Programming or scripting experience
need: Experience with cloud security controls
need: Security certifications such as OSCP or CISSP are a plus
need: Clear communication with technical and non-technical people
tags: security; OWASP; cloud security; incident response; IAM

== it_support
core: IT Support Specialist
quals: Service Desk; Field Support
prefix: no
levels: ; Senior
numerals: yes
pay: year 62000
etypes: full_time full_time temporary
office: no
unit: IT team
mission: keep our colleagues productive by solving their IT problems quickly and kindly
mission: look after the laptops, accounts and tools our offices run on
duty: Answer tickets, calls and chat requests from colleagues
duty: Set up laptops, phones and accounts for new starters
duty: Manage software licences and hardware inventory
duty: Troubleshoot network, printer and video conferencing issues
duty: Write how-to guides for common problems
duty: Escalate complex issues to the right specialists
duty: Support office moves and events
need: Experience in IT support or a service desk
need: Knowledge of Windows, macOS and Microsoft 365
need: A friendly, patient manner
need: Good problem-solving skills
need: A driving licence is a plus
need: Good spoken English
tags: IT support; Microsoft 365; Windows; macOS; ticketing

== account_executive
core: Account Executive
quals: Enterprise; Mid-Market; SMB; DACH
prefix: yes
levels: ; Senior
numerals: no
pay: year 90000
etypes: full_time full_time
office: yes
unit: sales team
mission: win new customers and grow our business in a competitive market
mission: guide prospects from the first call to a signed contract
duty: Manage the full sales cycle from prospecting to closing
duty: Build and maintain a healthy pipeline
duty: Run product demonstrations tailored to each prospect
duty: Negotiate contracts and pricing
duty: Work with marketing on campaigns and events
duty: Keep our CRM accurate and up to date
duty: Share customer feedback with the product team
duty: Meet and exceed quarterly targets
need: Experience in B2B software sales
need: A record of meeting or exceeding targets
need: Strong negotiation and presentation skills
need: Experience with Salesforce or HubSpot
need: Willingness to travel occasionally
need: Fluent English; German is a plus
tags: B2B sales; SaaS; Salesforce; negotiation; pipeline

== customer_success
core: Customer Success Manager
quals: Enterprise; EMEA; Onboarding
prefix: yes
levels: ; Senior
numerals: no
pay: year 85000
etypes: full_time full_time
office: yes
unit: customer success team
mission: make sure our customers get real value from our product and stay with us
mission: be the trusted partner our largest customers call first
duty: Own a portfolio of customer accounts
duty: Lead onboarding for new customers
duty: Run regular business reviews with key accounts
duty: Identify upsell opportunities and work with sales
duty: Spot churn risks early and act on them
duty: Share product feedback with our product team
duty: Create help articles and training material
need: Experience in customer success or account management
need: Excellent communication and relationship skills
need: A structured, proactive way of working
need: Experience with SaaS products
need: Fluent English
need: Comfort with numbers and simple analyses
tags: customer success; SaaS; account management; onboarding

== marketing_manager
core: Marketing Manager
quals: Performance; Brand; Content; Product
prefix: yes
levels: Junior; ; Senior
numerals: no
pay: year 95000
etypes: full_time full_time
office: yes
unit: marketing team
mission: bring our brand to new audiences and turn their interest into growth
mission: plan and run campaigns that people remember
duty: Plan and run campaigns across online and offline channels
duty: Manage a marketing budget and report on results
duty: Work with agencies and freelancers
duty: Create content for our website, newsletter and social media
duty: Analyse campaign data and improve what works
duty: Coordinate product launches with sales and product
duty: Keep our brand consistent across every channel
need: Experience in a marketing role
need: Strong writing skills
need: Experience with Google Ads, Meta Ads or marketing automation
need: An analytical mindset
need: Good organisation and project management skills
need: Fluent English
tags: marketing; SEO; Google Ads; content; campaigns

== recruiter
core: Recruiter
quals: Technical; Campus; Executive
prefix: yes
levels: ; Senior; Lead
numerals: no
pay: year 80000
etypes: full_time contract
office: yes
unit: people team
mission: find great people and give every candidate a fair, friendly experience
mission: help our teams grow with the right colleagues
duty: Manage hiring processes from intake to offer
duty: Source candidates on LinkedIn and other channels
duty: Advise hiring managers on interviews and market conditions
duty: Keep our applicant tracking system tidy
duty: Represent us at career fairs and meetups
duty: Improve our employer brand
duty: Report on hiring metrics
need: Experience in in-house or agency recruitment
need: Strong sourcing skills
need: Excellent communication in English
need: The ability to manage many processes at once
need: Knowledge of applicant tracking systems
need: A genuine interest in people
tags: recruiting; sourcing; talent acquisition; employer branding

== hr_partner
core: HR Business Partner
quals: Operations; Technology; Sales
prefix: no
levels: ; Senior
numerals: no
pay: year 90000
etypes: full_time full_time
office: yes
unit: people team
mission: support our managers and employees through every stage of their working life
mission: build the HR practices that help our organisation grow in a healthy way
duty: Advise managers on employee relations and performance
duty: Lead our annual review and salary processes
duty: Support organisational changes and restructurings
duty: Design onboarding and development programmes
duty: Make sure we comply with employment law
duty: Analyse HR data and report on trends
duty: Handle sensitive cases with discretion
need: Experience as an HR business partner or generalist
need: Knowledge of local employment law
need: Strong advisory and communication skills
need: Discretion and sound judgement
need: Experience with HR systems
need: Fluent English
tags: HR; employee relations; labour law; people management

== accountant
core: Accountant
quals: Accounts Payable; General Ledger; Tax
prefix: yes
levels: Junior; ; Senior
numerals: no
pay: year 72000
etypes: full_time full_time part_time
office: yes
unit: finance team
mission: keep our books accurate and our month-end close smooth
mission: make sure every invoice, payment and report is right the first time
duty: Prepare monthly, quarterly and annual closings
duty: Process invoices and reconcile accounts
duty: Prepare VAT returns and support tax filings
duty: Work with auditors during the annual audit
duty: Improve and automate accounting processes
duty: Answer questions from colleagues and suppliers
duty: Support budgeting and forecasting
need: A degree or training in accounting
need: Experience in a similar role
need: Very good Excel skills
need: Experience with SAP, DATEV or a similar system
need: Accuracy and reliability
need: Good English
tags: accounting; Excel; SAP; VAT; month-end close

== financial_analyst
core: Financial Analyst
quals: FP&A; Corporate Finance; Treasury
prefix: no
levels: ; Senior
numerals: yes
pay: year 95000
etypes: full_time
office: yes
unit: finance team
mission: help leadership understand where the business is going and why
mission: build the forecasts and analyses behind our biggest decisions
duty: Build and maintain financial models
duty: Prepare monthly reports for leadership
duty: Analyse variances between plan and actuals
duty: Support the annual budgeting process
duty: Work with business units on their forecasts
duty: Prepare materials for board meetings
duty: Automate reporting with modern tools
need: A degree in finance, economics or a related field
need: Experience in FP&A, controlling or consulting
need: Excellent Excel and financial modelling skills
need: Experience with SQL or a BI tool is a plus
need: Clear communication of numbers
need: Fluent English
tags: FP&A; financial modelling; Excel; forecasting; reporting

== project_manager
core: Project Manager
quals: IT; Construction; Logistics
prefix: yes
levels: Junior; ; Senior
numerals: no
pay: year 95000
etypes: full_time full_time contract
office: yes
unit: project office
mission: deliver complex projects on time, on budget and to the quality we promised
mission: keep many teams, suppliers and deadlines pulling in the same direction
duty: Plan projects and manage schedules, budgets and risks
duty: Lead project meetings and report progress
duty: Coordinate internal teams and external suppliers
duty: Manage changes to scope and their impact
duty: Make sure quality standards are met
duty: Keep documentation complete and current
duty: Run lessons-learned sessions after each project
need: Several years of project management experience
need: A project management certification such as PMP or PRINCE2
need: Strong organisation and communication skills
need: Experience managing budgets
need: Confidence in working with senior stakeholders
need: Fluent English
tags: project management; PMP; PRINCE2; budgeting; scheduling

== warehouse_associate
core: Warehouse Associate
quals: Day Shift; Night Shift; Weekend Shift
prefix: no
levels:
numerals: no
pay: hour 19.5
etypes: full_time full_time part_time temporary
office: no
unit: warehouse team
mission: get our customers' orders picked, packed and shipped on time
mission: keep our warehouse running smoothly, safely and on schedule
duty: Pick and pack customer orders accurately
duty: Receive and check incoming deliveries
duty: Load and unload trucks
duty: Keep your work area clean and safe
duty: Use handheld scanners to track stock
duty: Help with inventory counts
duty: Follow all health and safety rules
need: Ability to lift up to 50 lbs (23 kg)
need: Reliability and punctuality
need: Willingness to work shifts
need: Previous warehouse experience is a plus but not required
need: Basic English
need: A team player attitude
tags: warehouse; picking; packing; forklift; logistics

== forklift_operator
core: Forklift Operator
quals: Day Shift; Night Shift; Reach Truck
prefix: no
levels:
numerals: no
pay: hour 21.0
etypes: full_time full_time temporary
office: no
unit: warehouse team
mission: move goods safely and efficiently through our distribution centre
mission: keep stock flowing between our docks, racks and packing lines
duty: Operate forklifts and reach trucks safely
duty: Load and unload trailers
duty: Move pallets to and from storage locations
duty: Check equipment before each shift
duty: Report damaged goods and equipment
duty: Keep aisles and docks clear
duty: Support the team with inventory counts
need: A valid forklift certification
need: Experience operating forklifts in a warehouse
need: A strong focus on safety
need: Reliability and flexibility for shifts
need: Basic English
tags: forklift; reach truck; warehouse; logistics; safety

== delivery_driver
core: Delivery Driver
quals: CDL Class A; Class C; Van
prefix: no
levels:
numerals: no
pay: hour 22.0
etypes: full_time part_time temporary
office: no
unit: delivery team
mission: bring our customers' orders to their door safely and on time
mission: be the friendly face of our company on the road every day
duty: Deliver parcels and goods along a planned route
duty: Load your vehicle in the morning
duty: Check your vehicle before each tour
duty: Collect signatures and handle returns
duty: Communicate with dispatch about delays
duty: Keep delivery records accurate
duty: Treat customers politely and professionally
need: A valid driving licence for the vehicle class
need: A clean driving record
need: Good knowledge of the local area
need: Physical fitness
need: Reliability and punctuality
tags: driving; delivery; logistics; customer service

== maintenance_technician
core: Maintenance Technician
quals: Day Shift; Night Shift; Electrical; Mechanical
prefix: no
levels: ; Senior
numerals: yes
pay: hour 29.0
etypes: full_time full_time
office: no
unit: maintenance team
mission: keep our machines running and our production lines safe
mission: find and fix equipment problems before they stop production
duty: Carry out preventive maintenance on production machines
duty: Diagnose and repair mechanical and electrical faults
duty: Document repairs in our maintenance system
duty: Order spare parts and keep the workshop organised
duty: Support the installation of new equipment
duty: Follow lockout/tagout and safety procedures
duty: Suggest improvements to reduce downtime
need: A technical qualification in mechanics or electronics
need: Experience maintaining industrial equipment
need: Ability to read technical drawings
need: Willingness to work shifts
need: A strong safety mindset
tags: maintenance; PLC; mechanics; electrical; troubleshooting

== electrician
core: Electrician
quals: Industrial; Commercial; Residential
prefix: yes
levels: Apprentice; ; Senior
numerals: no
pay: hour 31.0
etypes: full_time full_time contract
office: no
unit: field team
mission: install and maintain the electrical systems our customers depend on
mission: keep our sites powered safely and to code
duty: Install wiring, panels and lighting
duty: Troubleshoot and repair electrical faults
duty: Read blueprints and technical diagrams
duty: Test systems for safety and compliance
duty: Keep accurate job records
duty: Work safely on customer sites
duty: Train and support apprentices
need: A completed electrical apprenticeship or licence
need: Experience in a similar role
need: Knowledge of local electrical codes
need: A driving licence
need: Reliability and good teamwork
tags: electrical; wiring; installation; safety; maintenance

== registered_nurse
core: Registered Nurse
quals: ICU; Emergency Department; Pediatrics; Oncology
prefix: yes
levels: ; Senior
numerals: no
pay: hour 45.0
etypes: full_time part_time full_time
office: no
unit: nursing team
mission: give our patients safe, compassionate care when they need it most
mission: work with doctors and therapists to help patients recover
duty: Assess patients and plan their care
duty: Administer medication and treatments
duty: Monitor patients and record observations
duty: Educate patients and families
duty: Work closely with physicians and therapists
duty: Support and supervise student nurses
duty: Follow infection control procedures
need: A current nursing licence
need: At least one year of clinical experience
need: BLS certification
need: Compassion and strong communication skills
need: Ability to work in a fast-paced environment
need: Willingness to work shifts and weekends
tags: nursing; patient care; BLS; healthcare; clinical

== medical_assistant
core: Medical Assistant
quals: Family Medicine; Dermatology; Cardiology
prefix: no
levels:
numerals: no
pay: hour 21.0
etypes: full_time part_time
office: no
unit: clinic team
mission: help our clinic run smoothly and make every patient feel welcome
mission: support our physicians so they can focus on their patients
duty: Greet patients and manage appointments
duty: Take vital signs and medical histories
duty: Prepare examination rooms
duty: Assist physicians during examinations
duty: Draw blood and collect samples
duty: Update electronic health records
duty: Handle prescriptions and referrals
need: A medical assistant certificate
need: Experience in a clinic or practice
need: Knowledge of medical terminology
need: Friendly and organised
need: Experience with electronic health records
tags: medical assistant; patient care; EHR; phlebotomy

== barista
core: Barista
quals: Morning Shift; Evening Shift; Weekend
prefix: no
levels: ; Head
numerals: no
pay: hour 16.0
etypes: part_time part_time full_time
office: no
unit: café team
mission: make great coffee and make every guest feel at home
mission: be part of a café team that takes coffee and hospitality seriously
duty: Prepare espresso drinks and filter coffee to our standards
duty: Welcome guests and take orders
duty: Handle the till and payments
duty: Keep the bar and café clean
duty: Restock supplies and check deliveries
duty: Recommend coffees and pastries
duty: Open or close the café
need: Experience as a barista is a plus; we train you
need: A friendly, positive attitude
need: Ability to work quickly and stay calm when it is busy
need: Availability for early or late shifts
need: Good spoken English
tags: barista; coffee; hospitality; customer service

== line_cook
core: Line Cook
quals: Breakfast; Dinner; Prep
prefix: no
levels: ; Lead
numerals: no
pay: hour 18.0
etypes: full_time part_time
office: no
unit: kitchen team
mission: cook fresh, consistent food for our guests every day
mission: keep our kitchen fast, clean and organised during service
duty: Prepare ingredients before service
duty: Cook dishes to our recipes and standards
duty: Keep your station clean and organised
duty: Follow food safety and hygiene rules
duty: Check deliveries and rotate stock
duty: Help with menu tastings
duty: Support the team wherever needed during busy service
need: Experience in a professional kitchen
need: Knowledge of food safety rules
need: Ability to work under pressure
need: Availability for evenings and weekends
need: A team player attitude
tags: cooking; kitchen; food safety; hospitality

== store_manager
core: Store Manager
quals: Flagship; Outlet
prefix: no
levels: Assistant;
numerals: no
pay: year 65000
etypes: full_time
office: no
unit: store team
mission: lead a store team that customers love to visit
mission: run a store that hits its targets and is a great place to work
duty: Lead, coach and schedule the store team
duty: Take responsibility for sales and profit targets
duty: Keep stock levels and merchandising in order
duty: Deliver excellent customer service
duty: Handle cash management and reporting
duty: Recruit and train new colleagues
duty: Make sure health and safety rules are followed
need: Experience in retail or hospitality management
need: Leadership skills and a hands-on attitude
need: A good understanding of numbers
need: Flexibility to work weekends
need: Good communication skills
tags: retail; store management; leadership; sales

== sales_associate
core: Sales Associate
quals: Footwear; Electronics; Home
prefix: no
levels: ; Senior
numerals: no
pay: hour 17.0
etypes: part_time full_time part_time
office: no
unit: store team
mission: help our customers find exactly what they came for
mission: give every customer friendly, knowledgeable advice
duty: Advise customers and help them choose products
duty: Operate the till and process returns
duty: Restock shelves and keep the store tidy
duty: Set up displays and promotions
duty: Take part in inventory counts
duty: Share customer feedback with the store manager
need: Enthusiasm for our products
need: A friendly, outgoing personality
need: Retail experience is a plus
need: Availability on weekends
need: Good spoken English
tags: retail; sales; customer service; merchandising
"""


def _parse(block: str) -> Family:
    lines = block.strip().splitlines()
    fields: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip(), []).append(value.strip())

    def one(name: str) -> str:
        return fields[name][0]

    def items(name: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in one(name).split(";") if part.strip())

    period, pay = one("pay").split()
    return Family(
        key=lines[0].strip(),
        core=one("core"),
        quals=tuple(tuple(q.split("/")) for q in items("quals")),
        prefix=one("prefix") == "yes",
        levels=tuple(part.strip() for part in one("levels").split(";")) or ("",),
        numerals=one("numerals") == "yes",
        period=period,
        pay=float(pay),
        etypes=tuple(one("etypes").split()),
        office=one("office") == "yes",
        unit=one("unit"),
        missions=tuple(fields["mission"]),
        duties=tuple(fields["duty"]),
        needs=tuple(fields["need"]),
        tags=items("tags"),
    )


FAMILIES: dict[str, Family] = {
    family.key: family for family in (_parse(b) for b in _TABLE.split("== ") if b.strip())
}

LEVEL_PAY = {
    "": 1.0,
    "Junior": 0.75,
    "Associate": 0.8,
    "Apprentice": 0.6,
    "Assistant": 0.8,
    "Senior": 1.25,
    "Staff": 1.45,
    "Lead": 1.4,
    "Head": 1.15,
    "Principal": 1.6,
}
ABBREVIATIONS = {
    "Senior": ("Sr.", "Sr"),
    "Junior": ("Jr.", "Jr"),
    "Manager": ("Mgr.", "Mgr"),
    "Associate": ("Assoc.",),
}
MARKERS = {
    "de": ("(m/w/d)", "(w/m/d)", "(m/f/d)", "(all genders)", "(f/m/x)", "(gn)"),
    "fr": ("(H/F)", "(F/H)", "H/F"),
}
ROMAN = {2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Title:
    """The title of one job, in parts: level, core, specialty (if written) and numeral."""

    level: str
    core: str
    qual: tuple[str, ...]  # the specialty's spellings; () when the title names none
    prefix: bool
    numeral: int  # 0: none


@dataclass(frozen=True)
class TitleSpec:
    abbrev: int = 0  # 0: words in full, 1: first abbreviation ("Sr."), 2: second ("Sr")
    numeral: str = "roman"  # "roman" | "arabic" | "level" | "short"
    marker: str = ""
    suffix: str = ""
    inverted: bool = False  # "Software Engineer, Backend" instead of "Backend Software Engineer"
    sep: str = ", "  # between core and a specialty written after it; "()" for parentheses
    spelling: int = 0  # which spelling of the specialty


def _abbreviate(words: str, mode: int) -> str:
    if not mode:
        return words
    out = []
    for word in words.split(" "):
        forms = ABBREVIATIONS.get(word)
        out.append(forms[min(mode, len(forms)) - 1] if forms else word)
    return " ".join(out)


def abbreviable(title: Title) -> bool:
    return any(word in ABBREVIATIONS for word in f"{title.level} {title.core}".split())


def render_title(title: Title, spec: TitleSpec) -> str:
    level = _abbreviate(title.level, spec.abbrev)
    core = _abbreviate(title.core, spec.abbrev)
    if title.numeral:
        n = title.numeral
        numeral = {"roman": ROMAN[n], "arabic": str(n), "level": f"Level {n}", "short": f"(L{n})"}
        core = f"{core} {numeral[spec.numeral]}"
    if title.qual:
        qual = title.qual[min(spec.spelling, len(title.qual) - 1)]
        if title.prefix and not spec.inverted:
            core = f"{qual} {core}"
        elif spec.sep == "()":
            core = f"{core} ({qual})"
        else:
            core = f"{core}{spec.sep}{qual}"
    text = f"{level} {core}" if level else core
    if spec.marker:
        text = f"{text} {spec.marker}"
    return f"{text} {spec.suffix}" if spec.suffix else text
