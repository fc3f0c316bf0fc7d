"""Arabic user-facing texts (Modern Standard Arabic), same keys as ``strings_en``."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    # App frame
    "app.title": "التحقق من الهوية",
    "app.demo_label": (
        "وضع تجريبي: لا يتم التحقق فعليًا من أي بيانات. تعمل الفحوصات على محاكي Vlens مدمج "
        "ببيانات وهمية."
    ),
    "app.config_error": (
        "خدمة التحقق غير مهيأة بشكل صحيح ({detail}). يُرجى التواصل مع الدعم؛ لم يتم إرسال أي "
        "بيانات."
    ),
    "app.switch_language": "English",
    "app.progress": "{current} · {step} من {total}",
    "nav.language": "اللغة",
    "nav.consent": "الموافقة",
    "nav.capture": "الصور",
    "nav.review": "المراجعة",
    "nav.results": "النتيجة",
    "common.back": "رجوع",
    "common.yes": "نعم",
    "common.no": "لا",
    # Language
    "language.title": "اختر اللغة",
    "language.intro": "يمكنك تغييرها لاحقًا من زر اللغة أعلى كل صفحة.",
    "language.english": "English",
    "language.arabic": "العربية",
    # Consent
    "consent.title": "قبل أن نبدأ",
    "consent.intro": "لتأكيد هويتك نحتاج إلى:",
    "consent.item_front": "صورة لوجه بطاقة الرقم القومي",
    "consent.item_back": "صورة لظهر بطاقة الرقم القومي",
    "consent.item_face": "ثلاث صور لوجهك تُلتقط خلال جزء من الثانية، للتأكد من وجودك الفعلي",
    "consent.where": (
        "تُرسل هذه الصور إلى Vlens، مزوّد خدمة التحقق من الهوية لدينا. تقرأ Vlens بيانات "
        "البطاقة، وتطابقها مع السجلات الرسمية، وتقارن وجهك بالصورة الموجودة على البطاقة."
    ),
    "consent.keep": (
        "لا يحتفظ هذا التطبيق بأي شيء بعد انتهاء جلستك: تبقى الصور والنتائج في الذاكرة فقط، "
        "وتُحذف عند إغلاق الصفحة أو عند الضغط على «احذف بياناتي الآن»."
    ),
    "consent.camera": (
        "سيطلب المتصفح إذنك لاستخدام الكاميرا. إذا لم تتمكن من استخدام الكاميرا، يمكنك رفع "
        "الصور ومقطع فيديو قصير لوجهك بدلًا من ذلك."
    ),
    "consent.checkbox": "أوافق على إرسال صور بطاقتي ووجهي إلى Vlens للتحقق من هويتي.",
    "consent.continue": "متابعة",
    "consent.required": "يُرجى تحديد المربع أعلاه للمتابعة.",
    "consent.deleted": "تم حذف صورك ونتائجك من هذه الجلسة.",
    "consent.missing": "يُرجى قراءة الموافقة وقبولها أولًا.",
    "consent.go": "الانتقال إلى الموافقة",
    # Steps
    "step.id_front.name": "وجه البطاقة",
    "step.id_back.name": "ظهر البطاقة",
    "step.face.name": "وجهك",
    "step.id_front.label": "وجه البطاقة",
    "step.id_back.label": "ظهر البطاقة",
    "step.face.label": "الوجه",
    "step.id_front.instructions": (
        "أمسك وجه البطاقة (الجانب الذي يحمل صورتك) داخل الإطار، مستويةً وثابتة، وسيتم "
        "التقاط الصورة تلقائيًا."
    ),
    "step.id_back.instructions": "اقلب البطاقة وأمسك ظهرها داخل الإطار، مستويةً وثابتة.",
    "step.face.instructions": (
        "انظر مباشرة إلى الكاميرا واجعل وجهك داخل الشكل البيضاوي. سنلتقط ثلاث صور في أقل من نصف "
        "ثانية."
    ),
    # Capture
    "capture.title": "التقاط الصور",
    "capture.step_heading": "الخطوة {index} من {total}: {name}",
    "capture.camera_help": (
        "اضغط «ابدأ» واسمح باستخدام الكاميرا. إذا لم تعمل الكاميرا (لا توجد كاميرا، أو تم رفض "
        "الإذن، أو المتصفح لا يدعمها)، استخدم «رفع الملفات بدلًا من ذلك» بالأسفل."
    ),
    "capture.hint_heading": "الإرشادات",
    "capture.face_progress": "صور الوجه: {count} من 3",
    "capture.manual_offered": (
        "هل تواجه صعوبة؟ يمكنك التقاط الصورة الآن، وسنسجّل أن فحوصات الجودة التلقائية لم تُطبَّق."
    ),
    "capture.manual_button": "التقط الصورة الآن",
    "capture.no_picture": (
        "الكاميرا تعمل لكن الصورة لا تصل إلينا. تحقّق من اتصالك بالإنترنت، واضغط «إيقاف» ثم «ابدأ» "
        "مرة أخرى، أو استخدم «رفع الملفات بدلًا من ذلك» بالأسفل."
    ),
    "capture.done": "تم التقاط جميع الصور.",
    "capture.review_button": "مراجعة الصور",
    "capture.checklist_done": "{name}: تم",
    "capture.checklist_todo": "{name}: لم يتم بعد",
    "webrtc.start": "ابدأ",
    "webrtc.stop": "إيقاف",
    "webrtc.select_device": "اختر الكاميرا",
    "webrtc.ask_permission": "يُرجى السماح لهذه الصفحة باستخدام الكاميرا.",
    "webrtc.not_available": "لم يتم العثور على كاميرا. استخدم «رفع الملفات بدلًا من ذلك» بالأسفل.",
    "webrtc.access_denied": (
        "تم رفض الوصول إلى الكاميرا. اسمح به من إعدادات المتصفح، أو استخدم "
        "«رفع الملفات بدلًا من ذلك» بالأسفل."
    ),
    "webrtc.api_not_available": (
        "لا يستطيع هذا المتصفح استخدام الكاميرا هنا. استخدم «رفع الملفات بدلًا من ذلك» بالأسفل، "
        "أو افتح الصفحة في إصدار حديث من Chrome أو Safari أو Firefox."
    ),
    # Upload fallback
    "upload.expander": "رفع الملفات بدلًا من ذلك (لا توجد كاميرا أو الكاميرا لا تعمل)",
    "upload.intro": (
        "ارفع صورًا واضحة لوجهي البطاقة، ومقطع فيديو قصيرًا لوجهك (من 3 إلى 5 ثوانٍ، يظهر فيه "
        "وجهك فقط وأنت تنظر إلى الكاميرا في إضاءة جيدة)."
    ),
    "upload.front_label": "صورة وجه البطاقة",
    "upload.back_label": "صورة ظهر البطاقة",
    "upload.face_label": "فيديو قصير لوجهك",
    "upload.added": "تمت إضافة {name}.",
    "upload.card_not_found": (
        "لم نتمكن من تحديد حواف البطاقة في هذه الصورة. سيتم إرسالها رغم ذلك، ولأفضل نتيجة "
        "صوّر البطاقة كاملة على خلفية داكنة وخالية."
    ),
    "upload.video_working": "جارٍ البحث عن وجهك في الفيديو…",
    "upload.video_ok": "تم التقاط ثلاث صور لوجهك من الفيديو.",
    "upload.video_failed": (
        "لم نتمكن من التقاط ثلاث صور واضحة لوجهك من هذا الفيديو. ما لاحظناه: {hint} "
        "سجّل الفيديو مرة أخرى في إضاءة جيدة مع إبعاد الهاتف بطول ذراعك."
    ),
    "upload.image_refused": (
        "تعذّر استخدام هذا الملف كصورة. يُرجى رفع صورة بصيغة {formats} لا تتجاوز 25 ميجابكسل."
    ),
    "upload.video_refused": "تعذّرت قراءة هذا الفيديو. يُرجى رفع فيديو بصيغة {formats}.",
    "upload.formats": "{most} أو {last}",
    "upload.formats_separator": " أو ",
    # Capture hints
    "hint.starting": "جارٍ تشغيل الكاميرا…",
    "hint.no_face": "لا نرى وجهًا. انظر مباشرة إلى الكاميرا.",
    "hint.several_faces": "وجه واحد فقط من فضلك: تأكد من عدم وجود أي شخص آخر في الصورة.",
    "hint.move_closer": "اقترب قليلًا.",
    "hint.move_back": "ابتعد قليلًا.",
    "hint.centre_face": "اجعل وجهك في منتصف الشكل البيضاوي.",
    "hint.too_dark": "الإضاءة خافتة جدًا. ابحث عن مكان أكثر إضاءة أو واجه نافذة.",
    "hint.too_bright": "الإضاءة شديدة جدًا. ابتعد عن الضوء المباشر.",
    "hint.blurry": "الصورة غير واضحة. اثبت في مكانك وامسح عدسة الكاميرا.",
    "hint.hold_still": "اثبت في مكانك…",
    "hint.glare": "يوجد انعكاس ضوء على البطاقة. أمِلها قليلًا بعيدًا عن مصدر الضوء.",
    "hint.no_card": "أمسك بطاقة الرقم القومي داخل الإطار.",
    "hint.card_too_small": "قرّب البطاقة حتى تملأ الإطار.",
    "hint.card_too_big": "أبعد البطاقة قليلًا حتى تظهر زواياها الأربع.",
    "hint.card_not_flat": "أمسك البطاقة مستويةً في مواجهة الكاميرا.",
    "hint.turn_card_over": "اقلب البطاقة: نحتاج إلى الجانب الآخر.",
    "hint.face_photo": "يبدو أن هذه صورة. أظهر وجهك أنت أمام الكاميرا.",
    "hint.camera_frozen": (
        "الصورة لا تتغير. تأكد من أن الكاميرا تعمل وغير مغطاة، أو استخدم «رفع الملفات بدلًا من ذلك» "
        "بالأسفل."
    ),
    "hint.frame_too_large": (
        "الكاميرا ترسل صورة أكبر من أن نفحصها هنا. اختر كاميرا أخرى من «اختر الكاميرا»، أو استخدم "
        "«رفع الملفات بدلًا من ذلك» بالأسفل."
    ),
    "hint.captured": "تم الالتقاط!",
    "hint.done": "تم التقاط جميع الصور.",
    # Review
    "review.title": "راجع صورك",
    "review.intro": (
        "سيتم إرسال هذه الصور إلى Vlens. أعد التقاط أي صورة غير واضحة أو مقصوصة أو بها انعكاس ضوء."
    ),
    "review.nothing": "لم يتم التقاط أي صور بعد.",
    "review.go_capture": "الانتقال إلى الكاميرا",
    "review.missing": "ناقص: {name}.",
    "review.capture_missing": "التقط الصور الناقصة",
    "review.details": "{size} · {width}×{height} بكسل",
    "review.face_timing": "{count} صور خلال {seconds} ث",
    "review.source_camera": "من الكاميرا",
    "review.source_upload": "مرفوعة",
    "review.overridden": "التُقطت يدويًا: لم تُطبَّق فحوصات الجودة التلقائية.",
    "review.retake": "إعادة التقاط {label}",
    "review.submit": "إرسال للتحقق",
    "review.status_running": "جارٍ التحقق من هويتك…",
    "review.status_done": "انتهى التحقق",
    "review.status_failed": "تعذّر إكمال التحقق",
    "review.step_started": "{name}: جارٍ الإرسال…",
    "review.step_finished": "{name}: تم",
    "review.step_reused": "{name}: مقبولة من قبل، ولم تُرسل مرة أخرى",
    "review.step_checks_failed": "لم تجتز بعض الفحوصات",
    "review.step_error": "{name}: {message}",
    "review.demo_scenario": "تجربة: بماذا يجب أن يجيب المحاكي؟",
    "review.demo_scenario_help": (
        "في وضع التجربة فقط: اختر الإجابة التي يعطيها المحاكي المدمج لعرض ما يراه العملاء. "
        "النتيجة التي تؤدي إليها بين القوسين."
    ),
    "demo_scenario.verified": "كل الفحوص ناجحة (تم التحقق)",
    "demo_scenario.spoof": "صورة أو قناع بدلًا من وجه حقيقي (لم يتم التحقق)",
    "demo_scenario.aml_match": "فحص الامتثال يطلب نظرة أدق (بحاجة إلى مراجعة)",
    "demo_scenario.src_invalid": "السجل الرسمي لا يؤكد البطاقة (بحاجة إلى مراجعة)",
    "demo_scenario.authority_unverified": "الجهة الرسمية لا تؤكد الهوية (لم يتم التحقق)",
    "demo_scenario.validation_error": "تاريخ في البطاقة يبدو غير صحيح (بحاجة إلى مراجعة)",
    "demo_scenario.no_face": "لم يُعثر على وجه في الصورة الذاتية (لم يتم التحقق)",
    "demo_scenario.card_not_detected": "لم يُعثر على بطاقة في الصورة (لم يتم التحقق)",
    "demo_scenario.bundle_needs_recharge": "رصيد باقة الخدمة نفد (تعذّر الإكمال)",
    "demo_scenario.service_outage": "الخدمة متوقفة لحظيًا وإعادة المحاولة تنجح (تعذّر الإكمال)",
    "demo_scenario.slow": "خدمة بطيئة، نحو ثانيتين لكل طلب (تم التحقق)",
    "api_step.id_front": "قراءة وجه البطاقة",
    "api_step.id_back": "قراءة ظهر البطاقة",
    "api_step.liveness": "التحقق من وجهك",
    # Results: verdict
    "results.title": "النتيجة",
    "results.none": "لم يتم إجراء أي عملية تحقق بعد.",
    "verdict.verified.title": "تم التحقق",
    "verdict.verified.body": "تم التحقق من هويتك بنجاح. يمكنك إغلاق هذه الصفحة.",
    "verdict.not_verified.title": "لم يتم التحقق",
    "verdict.not_verified.body": (
        "لم نتمكن من التحقق من هويتك بهذه الصور. توضّح الفحوصات أدناه السبب والخطوة التالية."
    ),
    "verdict.needs_review.title": "بحاجة إلى مراجعة",
    "verdict.needs_review.body": (
        "يحتاج طلبك إلى مراجعة يدوية من فريقنا. لا يلزمك القيام بأي شيء الآن."
    ),
    "verdict.incomplete.title": "تعذّر الإكمال",
    "verdict.incomplete.support": (
        "تعذّر إكمال عملية التحقق، ولن يفيد إرسال الصور نفسها مرة أخرى. يُرجى التواصل مع الدعم."
    ),
    "verdict.incomplete.body": (
        "تعذّر إكمال عملية التحقق. صورك محفوظة طوال هذه الجلسة، لذا يمكنك إعادة المحاولة دون "
        "التقاطها من جديد."
    ),
    "results.transaction": "رقم العملية:\n{id}",
    "results.what_it_means": "ماذا يفحص",
    "results.what_happened": "ماذا حدث",
    "results.next_step": "الخطوة التالية",
    "results.nothing_to_do": "لا يلزمك فعل شيء.",
    "results.retake": "إعادة التقاط {label}",
    "results.error_code": "الرمز {code}",
    # Failures outside the API envelope
    "failure.network": (
        "تعذّر الوصول إلى خدمة التحقق. تحقّق من اتصالك بالإنترنت، ثم اضغط «إعادة الإرسال»: "
        "صورك محفوظة."
    ),
    "failure.timeout": (
        "استغرقت خدمة التحقق وقتًا أطول من اللازم للرد. اضغط «إعادة الإرسال» للمحاولة مرة أخرى "
        "بالصور نفسها."
    ),
    "failure.auth": "لم تقبل خدمة التحقق بيانات اعتماد هذا التطبيق. يُرجى التواصل مع الدعم.",
    "failure.service": (
        "حدثت مشكلة في خدمة التحقق. اضغط «إعادة الإرسال» للمحاولة مرة أخرى بالصور نفسها."
    ),
    "failure.config": "خدمة التحقق غير مهيأة بشكل صحيح. يُرجى التواصل مع الدعم.",
    "failure.unknown": "حدث خطأ ما. اضغط «إعادة الإرسال» للمحاولة مرة أخرى.",
    "failure.possibly_billed": (
        "ربما وصلت صورك بالفعل قبل انقطاع الاتصال. يعيد زر «إعادة الإرسال» إرسال الصور نفسها؛ "
        "لا حاجة إلى التقاط صور جديدة."
    ),
    # Service cards
    "card.spoofing.title": "شخص حقيقي وبطاقة حقيقية",
    "card.spoofing.means": (
        "يتحقق من أن الكاميرا رأت شخصًا حقيقيًا وبطاقة حقيقية، وليس صورة لصورة أو شاشة أو قناعًا."
    ),
    "card.spoofing.pass": "لا توجد أي علامة على صورة مطبوعة أو شاشة أو قناع.",
    "card.spoofing.fail": "بدت الصور كأنها صورة لشاشة أو صورة مطبوعة.",
    "card.spoofing.next": (
        "أعد التقاط صور وجهك بنفسك في إضاءة جيدة ودون أي شيء يغطي وجهك. لا تعرض صورة أو شاشة "
        "أمام الكاميرا."
    ),
    "card.spoofing.next_card": (
        "أعد تصوير بطاقتك الأصلية نفسها، وليس صورة لها أو نسخة مطبوعة أو شاشة تعرضها."
    ),
    "card.liveness.title": "التحقق من الحضور الفعلي",
    "card.liveness.means": (
        "يتحقق من أن صور الوجه الثلاث لشخص حاضر فعليًا أمام الكاميرا، وأن الوجه يطابق الصورة "
        "الموجودة على بطاقتك."
    ),
    "card.liveness.pass": "تم التعرّف عليك كشخص حاضر فعليًا.",
    "card.liveness.fail": "لم يجتز فحص الحضور الفعلي.",
    "card.liveness.next": (
        "أعد التقاط صور الوجه: واجه الكاميرا مباشرة في إضاءة متساوية واثبت في مكانك للحظة."
    ),
    "card.aml.title": "فحص الامتثال",
    "card.aml.means": "فحص روتيني تُجريه كل جهة خاضعة للرقابة لجميع عملائها.",
    "card.aml.clear": "لا حاجة إلى أي فحوصات إضافية.",
    "card.aml.review": (
        "تحتاج بياناتك إلى مراجعة يدوية من فريقنا. هذا إجراء روتيني ولا يعني وجود أي مشكلة."
    ),
    "card.aml.next_review": (
        "لا يلزمك القيام بأي شيء الآن. سيتواصل معك فريقنا إذا احتاج إلى مزيد من المعلومات."
    ),
    "card.src.title": "المطابقة مع السجل الرسمي",
    "card.src.means": "يقارن بيانات بطاقتك بسجلات الجهة المُصدِرة.",
    "card.src.pass": "بيانات بطاقتك مطابقة للسجل الرسمي.",
    "card.src.fail": "تعذّر تأكيد بيانات بطاقتك من السجل الرسمي.",
    "card.src.detail": "التفاصيل: {message}",
    "card.src.next": (
        "لا يلزمك فعل شيء الآن. سيتحقق فريقنا من بياناتك مقابل السجل الرسمي ويتواصل معك إذا احتاج "
        "إلى مزيد من المعلومات."
    ),
    "card.validations.title": "فحص بيانات البطاقة",
    "card.validations.means": (
        "يفحص كل حقل مقروء من بطاقتك: الرقم القومي والتواريخ والمحافظة وغيرها."
    ),
    "card.validations.pass": "اجتازت جميع الحقول الفحص.",
    "card.validations.fail": "لم تجتز بعض الحقول الفحص:",
    "card.validations.field": "{field}: {message}",
    "card.validations.next": (
        "أعد تصوير البطاقة بحيث يكون كل حقل واضحًا ومقروءًا، دون انعكاس ضوء أو أصابع فوق النص."
    ),
    "card.classification.title": "نوع المستند",
    "card.classification.means": "المستند الذي تعرّفت عليه Vlens في صورتك.",
    "card.classification.value": "تم التعرّف عليه كـ: {doc_type}",
    "card.classification.national_id": "بطاقة الرقم القومي المصرية",
    "card.classification.next_other": "استخدم بطاقة الرقم القومي المصرية.",
    "card.flags.title": "النتيجة النهائية",
    "card.flags.means": (
        "الإجابة الإجمالية من Vlens: هل اجتازت كل خطوات التحقق فحوصاتها، وهل تم تأكيد هويتك "
        "أيضًا لدى الجهات الرسمية."
    ),
    "card.flags.completed": "اجتياز جميع خطوات التحقق: {value}",
    "card.flags.verified": "تأكيد الهوية لدى الجهات الرسمية: {value}",
    "card.flags.next_incomplete": "اتبع الخطوات التالية في الفحوصات أعلاه، ثم أعد المحاولة.",
    "card.flags.next_authority": (
        "تأكد من أن بطاقتك حالية وسارية، ثم تواصل مع الدعم مع ذكر رقم العملية."
    ),
    # Extracted data
    "extracted.title": "البيانات المقروءة من بطاقتك",
    "extracted.show_id": "إظهار رقمي القومي",
    "extracted.field.name": "الاسم",
    "extracted.field.name_english": "الاسم (بالإنجليزية)",
    "extracted.field.address": "العنوان",
    "extracted.field.govern": "المحافظة",
    "extracted.field.dateOfBirth": "تاريخ الميلاد",
    "extracted.field.gender": "النوع",
    "extracted.field.idNumber": "الرقم القومي",
    "extracted.field.maritalStatus": "الحالة الاجتماعية",
    "extracted.field.job": "المهنة",
    "extracted.field.religion": "الديانة",
    "extracted.field.releaseDate": "تاريخ الإصدار",
    "extracted.field.idExpiry": "تاريخ الانتهاء",
    # Result actions
    "results.retry": "إعادة الإرسال",
    "results.start_over": "البدء من جديد",
    "results.delete": "احذف بياناتي الآن",
    "results.receipt": "تنزيل الإيصال (JSON)",
    "results.receipt_help": (
        "سجل بما تم إرساله: حجم كل صورة وأبعادها ووقت التقاطها وبصمتها (SHA-256)، وأرقام الطلبات "
        "ورقم العملية. لا يحتوي على أي صور أو كلمات مرور."
    ),
    # --- Capture engine (issue 8): resolution wait, manual capture without a subject, review ---
    "hint.low_resolution": "أبقِ البطاقة في مكانها: الكاميرا ما زالت تحسّن وضوح الصورة…",
    "capture.manual_blocked": "لا يمكن التقاط الصورة بعد: {reason}",
    "review.low_resolution": (
        "أعطت الكاميرا صورة منخفضة الدقة لهذا الوجه من البطاقة؛ إذا كانت البيانات المقروءة منها "
        "خاطئة، فأعد التقاطها أقرب إلى الكاميرا أو ارفع صورة بدلًا من ذلك."
    ),
    # ---- Customer flow (issue 9): attempts, the "Verifying…" screen --------------------------
    "nav.verifying": "جارٍ التحقق",
    "attempt.busy": "الخدمة مشغولة الآن. يُرجى المحاولة مرة أخرى بعد بضع دقائق.",
    "attempt.expired.title": "انتهت هذه الجلسة",
    "attempt.expired.body": (
        "هذا الرابط يخص عملية تحقق انتهت: إما انتهت صلاحيتها بعد فترة دون نشاط، أو حُذفت بياناتها. "
        "لم تعد صورك محفوظة. يمكنك البدء من جديد."
    ),
    "attempt.expired.restart": "ابدأ من جديد",
    "verifying.title": "جارٍ التحقق…",
    "verifying.intro": (
        "يجري الآن فحص صورك. يستغرق ذلك عادةً أقل من نصف دقيقة. يمكنك البقاء في هذه الصفحة: "
        "ستظهر النتيجة تلقائيًا."
    ),
    "verifying.progress": "اكتمل {done} من {total} فحوصات",
    "verifying.step_line": "الفحص {index} من {total}: {name} — {state}",
    "verifying.step_done": "تم",
    "verifying.step_running": "جارٍ",
    "verifying.step_failed": "توقّف",
    "verifying.step_waiting": "في الانتظار",
    "verifying.elapsed": "الوقت حتى الآن: {seconds} ث",
    # ---- Customer flow (issue 9): the results page -----------------------------------------
    "results.checks_heading": "الفحوصات",
    "results.card_heading": "{title}: {status}",
    "card.status.passed": "ناجح",
    "card.status.failed": "لم ينجح",
    "card.status.review": "يحتاج إلى مراجعة",
    "card.status.info": "للعلم",
    "results.support_details": "تفاصيل لفريق الدعم",
    "results.request_id": "رقم الطلب ({step}):\n{id}",
    "results.delete_confirm": (
        "هل تريد حذف صورك ونتائجك من هذه الجلسة الآن؟ لا يمكن التراجع عن ذلك."
    ),
    "results.delete_yes": "نعم، احذف الآن",
    "results.delete_no": "إلغاء",
    # ---- Customer flow (issue 9): capture page ---------------------------------------------
    "capture.front_camera_hint": (
        "الآن وجهك: استخدم الكاميرا الأمامية في جهة الشاشة من هاتفك."
    ),
    "capture.front_camera_button": "التبديل إلى الكاميرا الأمامية",
    "capture.press_start": "اضغط «ابدأ» لتشغيل الكاميرا.",
    "capture.video_label": "صورة الكاميرا، مع الإطار الذي تضع فيه البطاقة أو وجهك",
    # ---- Customer flow (issue 9): uploads checked like camera shots ------------------------
    "upload.no_card": (
        "لم نجد بطاقة هوية في هذه الصورة، لذلك لم تُضف. صوّر البطاقة كاملة ومستوية على خلفية داكنة "
        "وخالية، ثم ارفعها مرة أخرى."
    ),
    "upload.wrong_side.id_front": (
        "يبدو أن هذا ظهر البطاقة (بلا صورة شخصية)، لذلك لم يُضف. يُرجى رفع وجه البطاقة، وهو الجانب "
        "الذي يحمل صورتك."
    ),
    "upload.wrong_side.id_back": (
        "يبدو أن هذا وجه البطاقة (يحمل صورتك)، لذلك لم يُضف. يُرجى رفع ظهر البطاقة."
    ),
    # ---- Customer flow (issue 9): fixed words in the data read from the card -------------
    "extracted.value.female": "أنثى",
    "extracted.value.male": "ذكر",
    "extracted.value.single": "أعزب/عزباء",
    "extracted.value.married": "متزوج/متزوجة",
    "extracted.value.divorced": "مطلق/مطلقة",
    "extracted.value.widowed": "أرمل/أرملة",
    # Integration: verification links and the way back to the business (issue 11)
    "link.business_default": "الجهة التي أرسلتك",
    "link.refused.title": "لا يمكن استخدام رابط التحقق هذا",
    "link.refused.malformed": (
        "الرابط غير مكتمل أو تالف. افتحه مرة أخرى من الرسالة التي وصلتك، أو اطلب رابطًا جديدًا "
        "من الجهة التي أرسلته."
    ),
    "link.refused.tampered": (
        "تم تغيير هذا الرابط بعد إرساله، لذلك لا يمكن الوثوق به. اطلب رابطًا جديدًا من الجهة "
        "التي أرسلته."
    ),
    "link.refused.expired": "انتهت صلاحية هذا الرابط. اطلب رابطًا جديدًا من الجهة التي أرسلته.",
    "link.refused.used": (
        "تم استخدام هذا الرابط بالفعل لإتمام عملية تحقق. إذا احتجت إلى التحقق مرة أخرى، اطلب "
        "رابطًا جديدًا من الجهة التي أرسلته."
    ),
    "link.refused.not_configured": (
        "روابط التحقق غير مفعّلة على هذه الخدمة بعد. يرجى التواصل مع الجهة التي أرسلتك."
    ),
    "link.required.title": "يرجى فتح رابط التحقق الخاص بك",
    "link.required.body": (
        "يبدأ التحقق من الهوية هنا من الرابط الذي أرسلته لك الجهة المعنية (برسالة نصية أو بريد "
        "إلكتروني أو داخل تطبيقها). افتح هذا الرابط للبدء."
    ),
    "link.reference": "مرجعك لدى {business}: {reference}",
    "link.back": "العودة إلى {business}",
    "link.back_help": "يعيدك إلى {business} مع نتيجة هذا التحقق.",
    "link.not_passed_on": (
        "تعذّر إرسال نتيجتك إلى {business} تلقائيًا. احتفظ برقم العملية الموجود في هذه "
        "الصفحة؛ يمكن لـ {business} تأكيد النتيجة به."
    ),
    # ---- Continue on your phone (hand-off by QR code) ----
    "nav.handoff": "على هاتفك",
    "handoff.title": "أكمل على هاتفك",
    "handoff.offer.button": "استخدم هاتفك بدلًا من ذلك",
    "handoff.offer.hint": (
        "كاميرا الهاتف تلتقط عادةً صورًا أوضح لبطاقة الهوية. امسح رمزًا بهاتفك وأكمل عليه."
    ),
    "handoff.offer.none": (
        "لم نجد كاميرا على هذا الكمبيوتر. أكمل على هاتفك: امسح رمزًا والتقط الصور هناك."
    ),
    "handoff.offer.denied": (
        "لا يُسمح لهذا المتصفح باستخدام الكاميرا. أكمل على هاتفك بدلًا من ذلك، أو اسمح "
        "بالكاميرا من إعدادات المتصفح."
    ),
    "handoff.offer.trouble": "لا ينجح الأمر هنا؟ قد تكون كاميرا هاتفك أفضل.",
    "handoff.intro": (
        "امسح هذا الرمز بكاميرا هاتفك واتبع الخطوات هناك. أبقِ هذه الصفحة مفتوحة: فهي تتحدّث "
        "تلقائيًا وتعرض نتيجتك."
    ),
    "handoff.qr_alt": "رمز QR يفتح هذا التحقق على هاتفك",
    "handoff.link_label": "أو افتح هذا الرابط على هاتفك:",
    "handoff.copy": "نسخ الرابط",
    "handoff.copied": "تم نسخ الرابط.",
    "handoff.copy_failed": "تعذّر النسخ. حدّد الرابط أعلاه وانسخه.",
    "handoff.rules": "يعمل الرابط مرة واحدة، على هاتف واحد، ويجب فتحه خلال {minutes} دقائق.",
    "handoff.status_heading": "التقدّم",
    "handoff.status.waiting": "في انتظار فتح الرابط على هاتفك…",
    "handoff.status.connected": "هاتفك متصل.",
    "handoff.status.capturing": "يجري التقاط الصور على هاتفك…",
    "handoff.status.verifying": "جارٍ التحقق…",
    "handoff.status.done": "نتيجتك جاهزة.",
    "handoff.status.expired": "انتهت صلاحية الرمز قبل فتحه.",
    "handoff.status.cancelled": "أعدت التحقق إلى هذا الكمبيوتر.",
    "handoff.status_unknown": "جارٍ التحقق من تقدّم هاتفك…",
    "handoff.stage.waiting": "افتح الرابط على هاتفك",
    "handoff.stage.connected": "الهاتف متصل",
    "handoff.stage.capturing": "التقاط الصور",
    "handoff.stage.verifying": "التحقق",
    "handoff.stage.done": "النتيجة",
    "handoff.stage_done": "{name}: تم",
    "handoff.stage_now": "**{name}: الآن**",
    "handoff.stage_next": "{name}: التالي",
    "handoff.expired": "اعرض رمزًا جديدًا لتكمل على هاتفك، أو التقط الصور هنا.",
    "handoff.phone_quiet": (
        "لم يصلنا شيء من هاتفك منذ أكثر من دقيقة. إذا أُغلقت الصفحة هناك، فاعرض رمزًا جديدًا "
        "وامسحه مرة أخرى، أو التقط الصور على هذا الكمبيوتر."
    ),
    "handoff.too_late_to_take_back": "هاتفك يرسل الصور بالفعل. ستظهر نتيجته هنا بعد لحظات.",
    "handoff.new_code": "عرض رمز جديد",
    "handoff.cancel": "التقط الصور على هذا الكمبيوتر بدلًا من ذلك",
    "handoff.unavailable": (
        "المتابعة على الهاتف غير متاحة الآن. يُرجى التقاط الصور على هذا الكمبيوتر أو رفعها."
    ),
    "handoff.result.on_phone": (
        "أنهيت التحقق على هاتفك. يعرض الهاتف التفاصيل وما يمكنك فعله بعد ذلك."
    ),
    "handoff.refused.title": "لا يمكن استخدام رابط الهاتف هذا",
    "handoff.refused.malformed": (
        "هذا الرابط ناقص أو مكتوب بشكل خاطئ. امسح الرمز على الكمبيوتر مرة أخرى."
    ),
    "handoff.refused.tampered": (
        "تم تغيير هذا الرابط، لذا لا يمكن الوثوق به. امسح الرمز على الكمبيوتر مرة أخرى."
    ),
    "handoff.refused.expired": (
        "انتهت صلاحية هذا الرابط: يجب فتحه خلال 10 دقائق. اختر «عرض رمز جديد» على الكمبيوتر "
        "وامسحه."
    ),
    "handoff.refused.used": "استُخدم هذا الرابط بالفعل لإنهاء تحقق. كل رابط يعمل مرة واحدة فقط.",
    "handoff.refused.other_device": (
        "هذا الرابط مفتوح بالفعل على هاتف آخر، وهو يعمل على هاتف واحد فقط. لاستخدام هذا الهاتف، "
        "اختر «التقط الصور على هذا الكمبيوتر بدلًا من ذلك» على الكمبيوتر ثم «استخدم هاتفك "
        "بدلًا من ذلك» مرة أخرى."
    ),
    "handoff.refused.cancelled": (
        "أُلغي هذا الرابط على الكمبيوتر. للمتابعة على هاتف، امسح الرمز الجديد المعروض هناك."
    ),
    "handoff.refused.not_configured": (
        "المتابعة على الهاتف غير مُعدّة في هذه الخدمة. يُرجى استخدام الكمبيوتر."
    ),
    "handoff.taken_back.title": "تمت المتابعة على الكمبيوتر",
    "handoff.taken_back.body": (
        "أُعيد التحقق إلى الكمبيوتر، لذا توقّف هذا الهاتف. لم يُحتفظ بأي شيء التُقط هنا. "
        "يمكنك إغلاق هذه الصفحة."
    ),
}
