"""English role texts: software, data, product, design and IT support."""

from __future__ import annotations

from functools import partial

from devtools.bench.heldout.model import role

_en = partial(role, "en")

ROLES = (
    _en(
        "backend",
        ("tech",),
        titles={
            "intern": ("Backend Software Engineer Intern", "Software Engineering Intern, Backend"),
            "junior": ("Junior Backend Developer", "Associate Software Engineer, Backend"),
            "mid": (
                "Backend Engineer",
                "Software Engineer, Backend",
                "Backend Engineer ({Go})",
                "{Python} Developer ({Django})",
                "{Java} Backend Developer",
                "Software Engineer - Platform APIs",
            ),
            "senior": (
                "Senior Backend Engineer",
                "Senior Software Engineer, Backend",
                "Senior {Python} Engineer - Payments",
            ),
            "lead": ("Staff Backend Engineer", "Principal Software Engineer, Platform"),
        },
        summary=(
            "Our backend team builds the services and APIs behind every screen our customers "
            "see, and keeps them fast under heavy load.",
            "You will design server-side systems that handle millions of requests a day: "
            "APIs, data models, queues and the glue between them.",
            "Join the platform group that owns our core transaction services, from the "
            "database schema to the public API.",
        ),
        duties=(
            "Design, build and operate {REST APIs} and internal services",
            "Model data and tune queries in {PostgreSQL}",
            "Build event-driven workflows on {Kafka}",
            "Write well-tested code and review your teammates' pull requests",
            "Take part in an on-call rotation for the services you own",
            "Improve the performance and reliability of high-traffic endpoints",
        ),
        needs=(
            "Solid understanding of databases, caching and distributed systems",
            "Comfort owning code in production",
            "Clear written communication",
        ),
        skills=(
            "Python",
            "Go",
            "Java",
            "Node.js",
            "PostgreSQL",
            "Kafka",
            "gRPC",
            "Redis",
            "Kubernetes",
            "AWS",
            "Django",
            "Spring Boot",
        ),
        pay=("year", 150000.0),
        slots="mid austin h; senior austin h; mid seattle r; senior sf h; lead nyc h;"
        " junior chicago h; intern sf o; intern boston h; mid denver r;"
        " mid berlin h product=Kursbuch company=spreewerk; senior london h; mid london h;"
        " senior toronto r; mid sf h product=Ledgerline company=brightloop;"
        " senior boston h product=Tidewell company=lumenfield; lead seattle r; mid dublin h;"
        " mid raleigh r code=JR-118743",
    ),
    _en(
        "frontend",
        ("tech",),
        titles={
            "intern": ("Frontend Engineering Intern",),
            "junior": ("Junior Front-End Developer", "Junior Web Developer"),
            "mid": (
                "Frontend Engineer",
                "Front-End Developer ({Vue.js})",
                "UI Engineer",
                "Software Engineer, Web",
            ),
            "senior": ("Senior Frontend Engineer ({React})", "Senior UI Engineer"),
            "lead": ("Staff Frontend Engineer", "Principal Engineer, Web Platform"),
        },
        summary=(
            "Build the interfaces our customers use every day: fast, accessible and pleasant "
            "on every screen size.",
            "Our web team turns designs into polished, responsive user interfaces and owns the "
            "component library shared across products.",
        ),
        duties=(
            "Build user interfaces in {React} and {TypeScript}",
            "Turn Figma designs into responsive layouts with modern {CSS}",
            "Make pages meet {accessibility} standards (WCAG 2.1 AA)",
            "Maintain our shared component library in {Storybook}",
            "Measure and improve page-load performance and Core Web Vitals",
            "Work closely with designers and backend engineers on new features",
        ),
        needs=(
            "A portfolio or code samples of web interfaces you have built",
            "Strong eye for detail and usability",
        ),
        skills=(
            "React",
            "TypeScript",
            "JavaScript",
            "CSS",
            "Next.js",
            "Vue.js",
            "accessibility",
            "GraphQL",
            "Storybook",
        ),
        pay=("year", 140000.0),
        slots="mid nyc h; senior nyc h code=JR-120057; junior nyc o; mid sf h;"
        " senior seattle r; lead austin h; intern seattle o; mid london h; mid chicago r;"
        " mid sf h product=Ledgerline company=brightloop;"
        " senior boston h product=Quillmap company=tessellate; mid toronto h code=JR-120075",
    ),
    _en(
        "fullstack",
        ("tech",),
        titles={
            "junior": ("Junior Full Stack Developer",),
            "mid": ("Full Stack Engineer", "Full-Stack Developer ({Ruby on Rails} + {React})"),
            "senior": ("Senior Full Stack Engineer",),
        },
        summary=(
            "Ship features end to end, from the database to the browser, on a small product team.",
        ),
        duties=(
            "Build features across our {React} front end and {Node.js} services",
            "Design database tables and write migrations",
            "Own features from idea to release and measure their impact",
            "Write tests at every layer",
        ),
        needs=("Experience building and shipping web applications",),
        skills=("React", "TypeScript", "Node.js", "Ruby on Rails", "PostgreSQL", "GraphQL"),
        pay=("year", 140000.0),
        slots="mid denver r; senior austin h; junior atlanta h; mid portland r;"
        " mid charlotte h product=Fernwood company=northgate",
    ),
    _en(
        "ios",
        ("tech",),
        titles={
            "intern": ("iOS Engineering Intern",),
            "mid": ("iOS Engineer", "iOS Developer ({Swift})"),
            "senior": ("Senior iOS Engineer",),
        },
        summary=("Build the iPhone and iPad apps millions of people open every morning.",),
        duties=(
            "Build features in {Swift} and {SwiftUI}",
            "Improve app start-up time, battery use and crash rate",
            "Ship releases through the App Store",
            "Write unit and UI tests with {XCTest}",
        ),
        needs=("Apps you have shipped to the App Store",),
        skills=("Swift", "SwiftUI", "UIKit", "XCTest", "Combine"),
        pay=("year", 150000.0),
        slots="mid sf h; senior la r; intern la o",
    ),
    _en(
        "android",
        ("tech",),
        titles={
            "mid": ("Android Engineer", "Android Developer ({Kotlin})"),
            "senior": ("Senior Android Developer",),
        },
        summary=("Build our Android app used by five million riders and drivers.",),
        duties=(
            "Build features in {Kotlin} with {Jetpack Compose}",
            "Keep the app fast on low-end devices",
            "Ship through Google Play with staged rollouts",
            "Write unit and instrumentation tests",
        ),
        needs=("Android apps you have shipped to Google Play",),
        skills=("Kotlin", "Jetpack Compose", "Android SDK", "Coroutines"),
        pay=("year", 148000.0),
        slots="mid la r; senior seattle h; mid london h",
    ),
    _en(
        "devops_sre",
        ("tech",),
        titles={
            "junior": ("Junior DevOps Engineer",),
            "mid": (
                "Site Reliability Engineer",
                "DevOps Engineer",
                "Cloud Infrastructure Engineer ({AWS})",
                "Platform Engineer",
            ),
            "senior": ("Senior Site Reliability Engineer", "Senior Platform Engineer"),
            "lead": ("Staff Site Reliability Engineer",),
        },
        summary=(
            "Keep our production systems fast, available and affordable, and make deploying "
            "boring for every engineering team.",
            "Our infrastructure group runs hundreds of services across three regions and owns "
            "observability, deployment and incident response.",
        ),
        duties=(
            "Run and scale {Kubernetes} clusters",
            "Manage infrastructure as code with {Terraform}",
            "Build monitoring and alerting with {Prometheus} and Grafana",
            "Lead incident response and write blameless postmortems",
            "Join the on-call rotation and reduce pages over time",
            "Build CI/CD pipelines that let teams ship many times a day",
        ),
        needs=("Strong {Linux} fundamentals", "Scripting in Python, Go or Bash"),
        skills=(
            "Kubernetes",
            "Terraform",
            "AWS",
            "GCP",
            "Prometheus",
            "Linux",
            "Ansible",
            "Helm",
        ),
        pay=("year", 155000.0),
        slots="mid seattle r; senior austin r; mid nyc h; junior denver h; lead sf r;"
        " mid dublin h; senior toronto h",
    ),
    _en(
        "qa",
        ("tech",),
        titles={
            "mid": (
                "QA Engineer",
                "Software Development Engineer in Test",
                "QA Automation Engineer",
            ),
            "junior": ("Manual QA Tester",),
        },
        summary=("Help us ship with confidence by catching bugs before our customers do.",),
        duties=(
            "Write automated end-to-end tests with {Playwright} or {Selenium}",
            "Design test plans for new features",
            "Run exploratory and regression testing",
            "Track defects in {Jira} and verify fixes",
        ),
        needs=("Understanding of testing techniques and the software lifecycle",),
        skills=("Playwright", "Selenium", "Jira", "Cypress", "API testing"),
        pay=("year", 115000.0),
        slots="mid austin h; mid raleigh r; junior phoenix o ct; mid manchester h",
    ),
    _en(
        "security",
        ("tech",),
        titles={
            "mid": ("Security Engineer", "Application Security Engineer", "SOC Analyst"),
            "senior": ("Senior Cloud Security Engineer",),
        },
        summary=("Protect our customers' data and our systems from attackers.",),
        duties=(
            "Run threat models and security reviews for new features",
            "Monitor alerts in our {SIEM} and investigate incidents",
            "Manage {penetration testing} and vulnerability remediation",
            "Harden cloud accounts and {IAM} policies",
        ),
        needs=("Security certifications such as {CISSP} or OSCP are a plus",),
        skills=("SIEM", "penetration testing", "IAM", "CISSP", "threat modeling"),
        pay=("year", 160000.0),
        slots="mid nyc h; senior denver r; mid dallas o; mid london h",
    ),
    _en(
        "embedded",
        ("tech", "industrial"),
        titles={
            "mid": ("Embedded Software Engineer", "Firmware Engineer", "Embedded Linux Engineer"),
            "senior": ("Senior Firmware Engineer",),
        },
        summary=(
            "Write the software that runs inside our machines, close to the sensors and motors.",
        ),
        duties=(
            "Write firmware in {C} and {C++} for {ARM Cortex-M} microcontrollers",
            "Bring up new boards and write device drivers",
            "Build and maintain {Yocto} images for embedded Linux",
            "Debug with oscilloscopes and logic analyzers",
        ),
        needs=("Experience with {RTOS} concepts",),
        skills=("C", "C++", "RTOS", "ARM Cortex-M", "Yocto", "embedded Linux"),
        pay=("year", 140000.0),
        slots="mid pittsburgh o product=Burrowbot company=quarry; senior boston h; mid sandiego o",
    ),
    _en(
        "data_engineer",
        ("tech",),
        titles={
            "junior": ("Junior Data Engineer",),
            "mid": ("Data Engineer", "Data Engineer - Platform", "Big Data Engineer"),
            "senior": ("Senior Data Engineer", "Senior Data Engineer, Streaming"),
            "manager": ("Data Engineering Manager",),
        },
        summary=(
            "Build and run the pipelines that move data from our products into the warehouse "
            "so analysts and scientists can trust it.",
            "Our data platform team owns ingestion, batch and streaming processing and the "
            "lakehouse that powers reporting and machine learning.",
        ),
        duties=(
            "Build batch and streaming pipelines with {Spark} and {Kafka}",
            "Orchestrate jobs with {Airflow}",
            "Model warehouse tables in {dbt} and {Snowflake}",
            "Monitor data quality, freshness and cost",
            "Work with analysts and data scientists on the data they need",
        ),
        needs=("Strong SQL and Python", "Experience with cloud data platforms"),
        skills=(
            "Spark",
            "Airflow",
            "Kafka",
            "dbt",
            "Snowflake",
            "SQL",
            "Python",
            "Databricks",
            "BigQuery",
        ),
        pay=("year", 145000.0),
        slots="mid austin h code=JR-118734; senior seattle r; mid munich h company=isarlabs;"
        " mid chicago h; junior atlanta h; senior nyc h; manager sf h; mid toronto h",
    ),
    _en(
        "analytics_engineer",
        ("tech",),
        titles={"mid": ("Analytics Engineer",), "senior": ("Senior Analytics Engineer",)},
        summary=("Turn raw data into clean, documented models the business can rely on.",),
        duties=(
            "Build and test models in {dbt}",
            "Define metrics with finance and product teams",
            "Maintain dashboards in {Looker}",
        ),
        needs=("Excellent SQL", "Experience with a modern cloud warehouse"),
        skills=("dbt", "SQL", "Looker", "Snowflake", "data modeling"),
        pay=("year", 130000.0),
        slots="mid denver r; senior nyc h; mid portland h",
    ),
    _en(
        "data_scientist",
        ("tech",),
        titles={
            "intern": ("Data Science Intern",),
            "junior": ("Associate Data Scientist",),
            "mid": ("Data Scientist", "Data Scientist, Pricing", "Product Data Scientist"),
            "senior": ("Senior Data Scientist - Experimentation", "Senior Data Scientist"),
            "manager": ("Head of Data Science",),
        },
        summary=(
            "Use statistics and machine learning to answer the questions that shape our "
            "product and pricing.",
            "Our data scientists design experiments, build forecasts and explain what drives "
            "customer behavior.",
        ),
        duties=(
            "Design and analyze {A/B testing} experiments",
            "Build churn, demand and pricing models in {Python} with {scikit-learn}",
            "Apply {causal inference} when experiments are not possible",
            "Present findings to product and business leaders",
            "Write production-quality {SQL} against our warehouse",
        ),
        needs=("Degree in statistics, economics, computer science or a related field",),
        skills=(
            "Python",
            "SQL",
            "statistics",
            "A/B testing",
            "scikit-learn",
            "causal inference",
            "R",
            "forecasting",
            "PyTorch",
        ),
        pay=("year", 150000.0),
        slots="mid sf r; senior nyc r; mid chicago r; senior austin h; junior boston h;"
        " intern seattle o; manager seattle h; mid london h; mid toronto r",
    ),
    _en(
        "ml_engineer",
        ("tech",),
        titles={
            "mid": ("Machine Learning Engineer", "MLOps Engineer"),
            "senior": ("Senior ML Engineer - Recommendations", "Senior Machine Learning Engineer"),
            "lead": ("Staff Machine Learning Engineer",),
        },
        summary=(
            "Take models from notebooks to production and keep them accurate as the world changes.",
        ),
        duties=(
            "Train and deploy models with {PyTorch}",
            "Build feature pipelines and model serving infrastructure",
            "Track experiments and models with {MLflow}",
            "Monitor model drift and retrain on schedule",
            "Serve models on {Kubernetes}",
        ),
        needs=("Strong Python and software engineering skills",),
        skills=("PyTorch", "TensorFlow", "MLflow", "Kubernetes", "Python", "model serving"),
        pay=("year", 165000.0),
        slots="mid sf h; senior seattle r; lead nyc h; mid austin r; mid sf o company=vasquez",
    ),
    _en(
        "data_analyst",
        ("tech", "office"),
        titles={
            "intern": ("Data Analyst Intern",),
            "junior": ("Junior Data Analyst",),
            "mid": ("Data Analyst", "Business Intelligence Analyst", "Marketing Data Analyst"),
            "senior": ("Senior Data Analyst",),
        },
        summary=(
            "Turn data into clear answers and dashboards for the teams that run the business.",
        ),
        duties=(
            "Write {SQL} to answer business questions",
            "Build and maintain dashboards in {Tableau} or {Power BI}",
            "Analyze campaign, sales and operations data",
            "Present insights to non-technical stakeholders",
        ),
        needs=("Strong {Excel} skills", "Attention to detail"),
        skills=("SQL", "Tableau", "Power BI", "Excel", "Looker", "Python"),
        pay=("year", 85000.0),
        slots="mid toronto h; junior toronto h; mid chicago h; junior dallas o; senior nyc h;"
        " intern columbus h; mid minneapolis r",
    ),
    _en(
        "eng_manager",
        ("tech",),
        titles={
            "manager": (
                "Engineering Manager, Backend",
                "Engineering Manager - Data Platform",
                "Director of Engineering",
                "Senior Engineering Manager",
            ),
        },
        summary=(
            "Lead a team of software engineers: hiring, growth, delivery and the health of "
            "the systems they own.",
        ),
        duties=(
            "Hire, coach and grow a team of six to ten engineers",
            "Plan the roadmap with product and design partners",
            "Run delivery and keep quality high",
            "Stay close to the architecture and code reviews",
        ),
        needs=("Background as a software engineer", "Two or more years managing engineers"),
        skills=("people management", "agile", "system design", "hiring"),
        pay=("year", 200000.0),
        slots="manager austin h; manager seattle h; manager nyc h; manager london h",
        manages=True,
    ),
    _en(
        "product_manager",
        ("tech",),
        titles={
            "junior": ("Associate Product Manager",),
            "mid": ("Product Manager", "Technical Product Manager"),
            "senior": ("Senior Product Manager - Payments", "Senior Product Manager"),
        },
        summary=(
            "Decide what we build and why, and bring engineering, design and customers "
            "together to ship it.",
        ),
        duties=(
            "Talk to customers and turn what you learn into a roadmap",
            "Write clear product requirements and acceptance criteria",
            "Prioritize the backlog with engineering and design",
            "Define success metrics and follow up after launch",
        ),
        needs=("Experience shipping software products",),
        skills=("roadmapping", "user research", "Jira", "SQL", "A/B testing"),
        pay=("year", 155000.0),
        slots="mid sf h; senior nyc h; junior seattle h; mid austin h; senior london h",
    ),
    _en(
        "tech_pm",
        ("tech",),
        titles={
            "mid": ("Technical Program Manager", "IT Project Manager"),
            "senior": ("Senior Technical Program Manager",),
        },
        summary=("Coordinate complex programs that span many engineering teams.",),
        duties=(
            "Plan cross-team programs and track dependencies",
            "Run status meetings and report risks to leadership",
            "Manage vendor and migration projects",
        ),
        needs=("PMP or Scrum certification is a plus",),
        skills=("PMP", "Scrum", "Jira", "risk management"),
        pay=("year", 140000.0),
        slots="mid seattle h; senior sf h; mid charlotte o",
    ),
    _en(
        "ux_designer",
        ("tech",),
        titles={
            "mid": ("Product Designer", "UX Designer", "UX/UI Designer"),
            "senior": ("Senior Product Designer",),
        },
        summary=("Design simple, useful experiences for complex workflows.",),
        duties=(
            "Design flows, wireframes and high-fidelity mockups in {Figma}",
            "Run usability tests and interviews",
            "Contribute to our design system",
            "Work daily with engineers and product managers",
        ),
        needs=("A portfolio showing your process",),
        skills=("Figma", "user research", "prototyping", "design systems"),
        pay=("year", 130000.0),
        slots="mid nyc h; senior sf r; mid austin h; mid london h",
    ),
    _en(
        "it_support",
        ("tech", "office", "health", "education"),
        titles={
            "junior": ("Help Desk Analyst", "IT Support Technician"),
            "mid": ("Desktop Support Specialist", "Service Desk Technician - Tier 2"),
            "senior": ("Senior IT Support Engineer",),
        },
        summary=(
            "Be the person colleagues call when their laptop, account or printer will not "
            "cooperate.",
        ),
        duties=(
            "Resolve hardware, software and account issues by phone, chat and in person",
            "Manage users and groups in {Active Directory} and {Microsoft 365}",
            "Image and deploy laptops; manage Macs with {Jamf}",
            "Track tickets in {ServiceNow}",
        ),
        needs=("CompTIA A+ or similar certification",),
        skills=("Active Directory", "Microsoft 365", "ServiceNow", "Jamf", "Windows 11"),
        pay=("year", 58000.0),
        slots="junior dallas o; mid minneapolis h; junior columbus o; senior boston h;"
        " mid nashville o",
    ),
)
